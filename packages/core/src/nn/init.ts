import * as tf from '@tensorflow/tfjs-core';
import type { Parameter, ParameterGroup } from '../params/parameter.js';
import type { BuildContext } from './layer.js';

/** Glorot (Xavier) uniform, Keras' default for kernels; seeded so every trial starts equal. */
export function glorotUniform(shape: number[], fanIn: number, fanOut: number, seed: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

let instances = 0;

/**
 * tfjs variable names are global to the engine, so each variable gets a unique suffix; the
 * parameter's own `name` stays the readable `<layer>/<role>`.
 */
export function uniqueVariableName(name: string): string {
  return `${name}#${++instances}`;
}

export function createParameter(
  ctx: BuildContext,
  role: string,
  group: ParameterGroup,
  initial: tf.Tensor,
): Parameter {
  const name = `${ctx.name}/${role}`;
  const variable = tf.variable(initial, true, uniqueVariableName(name));
  initial.dispose();
  return { name, group, layer: ctx.name, depth: ctx.depth, variable };
}
