import { backend_util, Conv2D, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertShape, runConv } from './conv-call.js';
import { geometryWords, P, threadsFor, type ConvAttrs } from './conv-params.js';
import { runOnHeap } from './heap.js';
import { copyIn, copyOut } from './io.js';
import { kernelRuntime } from './runtime.js';
import { runStock } from './stock.js';

interface Attrs extends ConvAttrs {
  dilations: [number, number] | number;
}

/** Below this many input channels XNNPACK's direct convolution (tfjs-backend-wasm) beats our im2col. */
const FEW_CHANNELS = 8;

/**
 * Cases tfjs-backend-wasm 4.22's Conv2D gets right. Found by our kernel tests: with a non-square
 * filter (e.g. 3×2 or 1×3) it returns wrong values, and with unequal strides and explicit
 * padding it reads out of bounds and corrupts its heap. Those, and dilated ones, stay with ours.
 */
const stockHandles = (i: backend_util.Conv2DInfo) =>
  i.filterHeight === i.filterWidth && i.strideHeight === i.strideWidth && i.dilationHeight === 1 && i.dilationWidth === 1;

/**
 * y = conv2d(x, W), NHWC: im2col(x) · W on WebAssembly SIMD, rows split over the threads. On the
 * wasm backend a convolution with few input channels (the first layer of an image net) goes to
 * tfjs's own kernel, XNNPACK's direct convolution, which is faster there; elsewhere ours is
 * faster even on one thread (VGG-sized 3×3 layers: ~27 vs ~17.5 GFLOP/s, relaxed-SIMD build,
 * tools/bench/gemm-probe.mjs).
 */
const conv2dOn = (backendName: string): KernelFunc => (args) => {
  const { inputs, backend: anyBackend, attrs } = args;
  const backend = anyBackend as KernelBackend;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad,
    a.dimRoundingMode, false, backend_util.convertConv2DDataFormat(a.dataFormat),
  );
  assertShape('Conv2D filter', filter.shape, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  const rt = kernelRuntime();
  rt.reset();
  const words = geometryWords(info);
  const K = info.filterHeight * info.filterWidth * info.inChannels;
  const M = info.batchSize * info.outHeight * info.outWidth;
  const threads = threadsFor(rt.threads, M * K * info.outChannels, Math.ceil(M / 4));
  if (backendName === 'wasm' && info.inChannels < FEW_CHANNELS && stockHandles(info)) {
    return runStock('Conv2D', backendName, args);
  }
  if (threads === 1) {
    // One thread: in place on the wasm heap, no copies (undefined elsewhere).
    const inPlace = runOnHeap(backend, 'wus_conv2d', 'wus_conv2d_scratch', words, info.outShape, [[P.X, x], [P.W, filter]]);
    if (inPlace !== undefined) return inPlace;
  }
  words[P.X] = copyIn(rt, backend, x);
  words[P.W] = copyIn(rt, backend, filter);
  const out = rt.allocF32(M * info.outChannels);
  words[P.OUT] = out;
  runConv(rt, 'wus_conv2d', 'wus_conv2d_scratch', words, threads);
  return copyOut(rt, backend, info.outShape, out);
};

export const conv2dKernel = (backendName: string): KernelConfig => ({ kernelName: Conv2D, backendName, kernelFunc: conv2dOn(backendName) });
