import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@wus/core';

/**
 * Gives every parameter a value an export could get wrong: a fresh model's biases and BN shifts
 * are 0 and its BN scales 1, so a converter that dropped or swapped them would still agree.
 * Biases and β become U(−0.5, 0.5), γ U(0.5, 1.5), seeded; then `passes` training-mode forward
 * passes over `x` move the BatchNorm moving statistics away from 0 and 1.
 */
export function perturbForExport(model: Model, x: tf.Tensor, options: { readonly seed: number; readonly passes?: number }): void {
  model.parameters.forEach((p, i) => {
    if (p.group === 'weight') return;
    const [lo, hi] = p.group === 'norm-scale' ? [0.5, 1.5] : [-0.5, 0.5];
    tf.tidy(() => p.variable.assign(tf.randomUniform(p.variable.shape, lo, hi, 'float32', options.seed + i)));
  });
  for (let k = 0; k < (options.passes ?? 3); k++) tf.dispose(model.forward(x, true));
}
