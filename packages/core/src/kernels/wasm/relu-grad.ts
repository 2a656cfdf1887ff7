import * as tf from '@tensorflow/tfjs-core';
import { runMemoryKernel } from './heap.js';

/** Our kernel: dx = dy where x > 0, else 0 — one branch-free SIMD pass. */
export const RELU_GRAD = 'WusReluGrad';

export const reluGradKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: RELU_GRAD,
  backendName,
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const n = x.shape.reduce((a, b) => a * b, 1);
    return runMemoryKernel(backend, 'wus_relu_grad', [...x.shape], [dy, x], (out, [g, xs]) => [out, g!, xs!, n]);
  },
});

/**
 * Relu's gradient as one kernel where the backend has ours; tfjs's is `dy · cast(step(x))`, three
 * passes (Step, a Cast that copies on wasm, Multiply) over every activation of the network.
 * Elsewhere (e.g. tfjs-node) tfjs's formula, unchanged.
 */
export const reluGradConfig: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    const g = dy as tf.Tensor;
    return {
      x: () =>
        tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined && g.dtype === 'float32' && x.dtype === 'float32'
          ? (tf.engine().runKernel(RELU_GRAD, { dy: g, x }) as tf.Tensor)
          : tf.mul(g, tf.cast(tf.step(x), 'float32')),
    };
  },
};
