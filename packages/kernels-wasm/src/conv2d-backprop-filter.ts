import { Conv2DBackpropFilter, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertShape, runConv } from './conv-call.js';
import { convGeometry, P, threadsFor, type ConvAttrs } from './conv-params.js';
import { runOnHeap } from './heap.js';
import { copyIn, copyOut } from './io.js';
import { kernelRuntime } from './runtime.js';

/** Rows of M per block of the filter gradient (FMC in kernels.c). */
const FILTER_GRAD_BLOCK_ROWS = 192;

interface Attrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

/**
 * dW = ∂L/∂W of a 2-D convolution: `sum over n, oy, ox of x[n, oy·s + ky·d − p, …, ci] ·
 * dy[n, oy, ox, co]`, one GEMM (im2col(x)ᵀ · dy) on WebAssembly SIMD, split over the threads
 * by blocks of output positions with private accumulators added at the end, or by rows of dW.
 */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as Attrs;
  const { info, words, K, M } = convGeometry(x.shape, a.filterShape, a);
  assertShape('Conv2DBackpropFilter dy', dy.shape, info.outShape);
  const rt = kernelRuntime();
  rt.reset();
  const threads = threadsFor(rt.threads, M * K * info.outChannels, M);
  if (threads === 1) {
    // One thread: in place on the wasm heap, no copies (undefined elsewhere).
    const inPlace = runOnHeap(backend, 'wus_conv2d_backprop_filter', 'wus_conv2d_backprop_filter_scratch', words, [...a.filterShape], [[P.X, x], [P.DY, dy]]);
    if (inPlace !== undefined) return inPlace;
  }
  words[P.X] = copyIn(rt, backend, x);
  words[P.DY] = copyIn(rt, backend, dy);
  const len = K * info.outChannels;
  const out = rt.allocF32(len);
  words[P.OUT] = out;
  // One slice per thread the call may use, whoever ends up running it: of M while there are
  // enough blocks of M to go round (a partial dW per extra slice, added up below), else of the
  // rows of dW (no partials; kernels.c explains both).
  const slices = Math.max(1, Math.min(threads, rt.threads));
  const splitM = slices > 1 && Math.ceil(M / FILTER_GRAD_BLOCK_ROWS) >= 4 * slices;
  words[P.PARTIAL] = splitM ? rt.allocF32(len * (slices - 1)) : 0;
  runConv(rt, 'wus_conv2d_backprop_filter', 'wus_conv2d_backprop_filter_scratch', words, slices);
  // Add the slices' partial sums in slice order (bit s: slice s filled partial[s − 1]).
  if (splitM) rt.run('wus_reduce', rt.params([out, words[P.PARTIAL]!, len, (1 << slices) - 1, 0]), threadsFor(rt.threads, len * 8));
  return copyOut(rt, backend, [...a.filterShape], out);
};

export const conv2dBackpropFilterKernel = (backendName: string): KernelConfig => ({
  kernelName: Conv2DBackpropFilter,
  backendName,
  kernelFunc: conv2dBackpropFilter,
});
