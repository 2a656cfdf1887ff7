import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec } from './layer.js';

export function flatten(): LayerSpec {
  return {
    type: 'flatten',
    parameterised: false,
    build(ctx) {
      const units = ctx.inputShape.reduce((a, b) => a * b, 1);
      return {
        name: ctx.name,
        parameters: [],
        state: [],
        outputShape: [units],
        kernels: ['Reshape'],
        config: { op: 'flatten' },
        apply: (x) => tf.reshape(x, [x.shape[0]!, units]),
      };
    },
  };
}
