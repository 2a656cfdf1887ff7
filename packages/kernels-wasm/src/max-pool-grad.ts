import { backend_util, MaxPoolGrad, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertShape } from './conv-call.js';
import { geometryWords, P, threadsFor } from './conv-params.js';
import { runOnHeap } from './heap.js';
import { copyIn, copyOut } from './io.js';
import { kernelRuntime } from './runtime.js';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * dx of max pooling: each window's gradient goes to its first maximum (strict >, as tfjs's cpu
 * backend), vectorised over channels. Threads take whole images.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const a = attrs as unknown as Attrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  assertShape('MaxPoolGrad dy', dy.shape, info.outShape);
  const words = geometryWords(info);
  const work = info.batchSize * info.outHeight * info.outWidth * info.inChannels * info.filterHeight * info.filterWidth;
  const rt = kernelRuntime();
  const threads = threadsFor(rt.threads, work, info.batchSize);
  if (threads === 1) {
    // One thread: in place on the wasm heap, no copies (undefined elsewhere).
    const inPlace = runOnHeap(backend, 'wus_max_pool_grad', undefined, words, [...input.shape], [[P.X, input], [P.DY, dy]]);
    if (inPlace !== undefined) return inPlace;
  }
  rt.reset();
  words[P.X] = copyIn(rt, backend, input);
  words[P.DY] = copyIn(rt, backend, dy);
  const out = rt.allocF32(input.shape.reduce((p, v) => p * v, 1));
  words[P.OUT] = out;
  words[P.COUNTER] = 0;
  rt.run('wus_max_pool_grad', rt.params(words), threads);
  return copyOut(rt, backend, [...input.shape], out);
};

export const maxPoolGradKernel = (backendName: string): KernelConfig => ({ kernelName: MaxPoolGrad, backendName, kernelFunc: maxPoolGrad });
