import * as tf from '@tensorflow/tfjs-core';
import { fusedBatchNormTrain } from '../kernels/ops/batch-norm-train.js';
import { createParameter, uniqueVariableName } from './init.js';
import type { LayerSpec } from './layer.js';

export interface BatchNormOptions {
  /** Weight of the old moving statistics (Keras convention). */
  readonly momentum?: number;
  readonly epsilon?: number;
}

/**
 * Batch normalisation over every axis but the last. gamma is a `norm-scale`, beta a
 * `norm-shift` parameter. Moving statistics keep updating in training-mode forward passes,
 * also during skip windows (they are state, not learned weights).
 */
export function batchNorm(options: BatchNormOptions = {}): LayerSpec {
  const momentum = options.momentum ?? 0.9;
  const epsilon = options.epsilon ?? 1e-5;
  return {
    type: 'batch_norm',
    parameterised: true,
    build(ctx) {
      const channels = ctx.inputShape[ctx.inputShape.length - 1]!;
      const gamma = createParameter(ctx, 'gamma', 'norm-scale', tf.ones([channels]));
      const beta = createParameter(ctx, 'beta', 'norm-shift', tf.zeros([channels]));
      // tidy frees the initial values (the variables hold their data): one tensor fewer each per model built.
      const movingMean = tf.tidy(() => tf.variable(tf.zeros([channels]), false, uniqueVariableName(`${ctx.name}/moving_mean`)));
      const movingVar = tf.tidy(() => tf.variable(tf.ones([channels]), false, uniqueVariableName(`${ctx.name}/moving_variance`)));
      const axes = ctx.inputShape.map((_, i) => i); // batch axis 0 + all but channels
      return {
        name: ctx.name,
        parameters: [gamma, beta],
        state: [movingMean, movingVar],
        outputShape: ctx.inputShape,
        kernels: ['Mean', 'SquaredDifference', 'Sub', 'Multiply', 'Rsqrt', 'Add'],
        config: { op: 'batch_norm', momentum, epsilon, gamma: gamma.variable, beta: beta.variable, movingMean, movingVariance: movingVar },
        apply: (x, training, forward) => {
          const normalise = (mean: tf.Tensor, variance: tf.Tensor) =>
            tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma.variable), beta.variable);
          if (!training) return normalise(movingMean, movingVar);
          // One kernel each way where the backend has ours (wasm, cpu); composed from tfjs ops otherwise.
          const composed = () => {
            const { mean, variance } = tf.moments(x, axes);
            return { y: normalise(mean, variance), mean, variance };
          };
          const needs = {
            dx: forward?.gradientFloor === undefined || ctx.depth > forward.gradientFloor,
            dgamma: forward?.frozen?.has(gamma.name) !== true,
          };
          const { y, mean, variance } = fusedBatchNormTrain(x, gamma.variable, beta.variable, epsilon, needs) ?? composed();
          // Variable assignment is not taped: the moving stats never receive gradients.
          movingMean.assign(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum)));
          movingVar.assign(tf.add(tf.mul(movingVar, momentum), tf.mul(variance, 1 - momentum)));
          return y;
        },
      };
    },
  };
}
