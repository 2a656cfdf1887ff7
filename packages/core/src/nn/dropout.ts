import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import { deriveSeed } from '../random/random.js';
import type { LayerSpec } from './layer.js';

export interface DropoutOptions {
  /** Probability of zeroing a unit in training, in [0, 1). Kept units are scaled by 1/(1 − rate). */
  readonly rate: number;
}

/**
 * Inverted dropout, active only in training-mode passes. Its mask is seeded: from the pass's
 * `seed` (the trainer derives one per step from the run seed) combined with the layer's name,
 * so two dropout layers draw different masks and two trials draw the same ones at the same step.
 * A training pass without a seed (direct `model.forward(x, true)`) counts its calls instead,
 * which is still deterministic for one model instance.
 */
export function dropout(options: DropoutOptions): LayerSpec {
  const { rate } = options;
  return {
    type: 'dropout',
    parameterised: false,
    build(ctx) {
      if (!(rate >= 0 && rate < 1)) throw new ConfigError(`${ctx.name}: dropout rate must be in [0, 1), got ${rate}`);
      let unseededCalls = 0;
      return {
        name: ctx.name,
        parameters: [],
        state: [],
        outputShape: ctx.inputShape,
        kernels: ['Add', 'Floor', 'RealDiv', 'Multiply'],
        stochastic: rate > 0,
        config: { op: 'dropout', rate },
        apply: (x, training, forward) => {
          if (!training || rate === 0) return x;
          const seed =
            forward?.seed !== undefined ? deriveSeed(forward.seed, `dropout:${ctx.name}`) : deriveSeed(ctx.seed, `dropout:${ctx.name}`, ++unseededCalls);
          return tf.dropout(x, rate, undefined, seed);
        },
      };
    },
  };
}
