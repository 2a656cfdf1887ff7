import * as tf from '@tensorflow/tfjs-core';
import type { Layer, LayerSpec } from './layer.js';

/** An element-wise activation: no parameters, output shape = input shape. */
function activation(type: 'relu' | 'tanh', kernels: string[], fn: (x: tf.Tensor) => tf.Tensor): LayerSpec {
  return {
    type,
    parameterised: false,
    build: (ctx): Layer => ({
      name: ctx.name,
      parameters: [],
      state: [],
      outputShape: ctx.inputShape,
      kernels,
      config: { op: 'activation', activation: type },
      apply: fn,
    }),
  };
}

export const relu = (): LayerSpec => activation('relu', ['Relu', 'Step', 'Multiply'], (x) => tf.relu(x));
export const tanh = (): LayerSpec => activation('tanh', ['Tanh'], (x) => tf.tanh(x));
