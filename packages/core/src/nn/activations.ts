import * as tf from '@tensorflow/tfjs-core';
import type { Layer, LayerSpec } from './layer.js';

/** A layer without parameters whose output shape equals its input shape. */
function stateless(type: string, kernels: string[], fn: (x: tf.Tensor) => tf.Tensor): LayerSpec {
  return {
    type,
    parameterised: false,
    build: (ctx): Layer => ({ name: ctx.name, parameters: [], state: [], outputShape: ctx.inputShape, kernels, apply: fn }),
  };
}

export const relu = (): LayerSpec => stateless('relu', ['Relu', 'Step', 'Multiply'], (x) => tf.relu(x));
export const tanh = (): LayerSpec => stateless('tanh', ['Tanh'], (x) => tf.tanh(x));
