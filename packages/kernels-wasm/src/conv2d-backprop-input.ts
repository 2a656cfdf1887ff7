import { Conv2DBackpropInput, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertShape, runConv } from './conv-call.js';
import { convGeometry, P, threadsFor, type ConvAttrs } from './conv-params.js';
import { runOnHeap } from './heap.js';
import { copyIn, copyOut } from './io.js';
import { kernelRuntime } from './runtime.js';

interface Attrs extends ConvAttrs {
  inputShape: [number, number, number, number];
}

/**
 * dx = ∂L/∂x of a 2-D convolution: `dy · Wᵀ` (a GEMM on WebAssembly SIMD, in blocks of rows)
 * scattered back onto the input positions (col2im). Threads take whole images.
 */
export const conv2dBackpropInput: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  const { info, words, K, M } = convGeometry(a.inputShape, filter.shape, a);
  assertShape('Conv2DBackpropInput dy', dy.shape, info.outShape);
  const rt = kernelRuntime();
  rt.reset();
  const threads = threadsFor(rt.threads, M * K * info.outChannels, info.batchSize);
  if (threads === 1) {
    // One thread: in place on the wasm heap, no copies (undefined elsewhere).
    const inPlace = runOnHeap(backend, 'wus_conv2d_backprop_input', 'wus_conv2d_backprop_input_scratch', words, [...a.inputShape], [[P.W, filter], [P.DY, dy]]);
    if (inPlace !== undefined) return inPlace;
  }
  words[P.W] = copyIn(rt, backend, filter);
  words[P.DY] = copyIn(rt, backend, dy);
  const out = rt.allocF32(a.inputShape.reduce((p, v) => p * v, 1));
  words[P.OUT] = out;
  runConv(rt, 'wus_conv2d_backprop_input', 'wus_conv2d_backprop_input_scratch', words, threads);
  return copyOut(rt, backend, [...a.inputShape], out);
};

export const conv2dBackpropInputKernel = (backendName: string): KernelConfig => ({
  kernelName: Conv2DBackpropInput,
  backendName,
  kernelFunc: conv2dBackpropInput,
});
