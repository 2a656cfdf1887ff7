import * as tf from '@tensorflow/tfjs-core';

/** The fused ReLU-gradient op: dx = dy where x > 0, else 0, in one pass where a kernel package provides it. */
export const RELU_GRAD = 'WusReluGrad';

/**
 * Relu's gradient as one kernel where the backend has one for `RELU_GRAD`; tfjs's is `dy · cast(step(x))`, three
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
