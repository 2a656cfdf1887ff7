import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, SGD_UPDATE, type AdamUpdateAttrs, type SgdUpdateAttrs } from '@wus/core';
import { runMemoryKernels } from './heap.js';

/** The fused optimizer ops' kernels (core's `SGD_UPDATE`, `ADAM_UPDATE`), in one pass on the wasm heap. */
export const sgdUpdateKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: SGD_UPDATE,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, g, buf } = inputs as { w: tf.TensorInfo; g: tf.TensorInfo; buf?: tf.TensorInfo };
    const a = attrs as unknown as SgdUpdateAttrs;
    const n = w.shape.reduce((x, y) => x * y, 1);
    const withBuffer = buf !== undefined;
    const flags = (withBuffer ? 1 : 0) | (a.first ? 2 : 0) | (a.nesterov ? 4 : 0);
    const shapes = withBuffer ? [[...w.shape], [...w.shape]] : [[...w.shape]];
    const ins = withBuffer ? [w, g, buf] : [w, g];
    return runMemoryKernels(backend, 'wus_sgd_update', shapes, ins, ([wOut, bufOut], [wi, gi, bi]) => [
      wOut!, bufOut ?? 0, wi!, gi!, bi ?? 0, n, a.lr, a.momentum, a.weightDecay, flags,
    ]);
  },
});

export const adamUpdateKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: ADAM_UPDATE,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', tf.TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const n = w.shape.reduce((x, y) => x * y, 1);
    const shape = [...w.shape];
    return runMemoryKernels(backend, 'wus_adam_update', [shape, shape, shape], [w, g, m, v], (outs, ins) => [
      ...outs, ...ins, n, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.stepSize, a.epsilon, a.weightDecay,
    ]);
  },
});

