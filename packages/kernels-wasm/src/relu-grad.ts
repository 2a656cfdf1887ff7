import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD } from '@wus/core';
import { runMemoryKernel } from './heap.js';

/** dx = dy where x > 0, else 0 — one branch-free SIMD pass (core's `RELU_GRAD` op). */
export const reluGradKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: RELU_GRAD,
  backendName,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const n = x.shape.reduce((a, b) => a * b, 1);
    return runMemoryKernel(backend, 'wus_relu_grad', [...x.shape], [dy, x], (out, [g, xs]) => [out, g!, xs!, n]);
  },
});

