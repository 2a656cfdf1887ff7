import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import type { LayerSpec } from './layer.js';

export interface PoolOptions {
  readonly size: number;
  readonly strides?: number;
  readonly padding?: 'same' | 'valid';
}

function pool(type: 'max_pool' | 'avg_pool', options: PoolOptions): LayerSpec {
  const strides = options.strides ?? options.size;
  const padding = options.padding ?? 'valid';
  return {
    type,
    parameterised: false,
    build(ctx) {
      const [h, w, c] = ctx.inputShape as [number, number, number];
      const out = (n: number) => (padding === 'same' ? Math.ceil(n / strides) : Math.floor((n - options.size) / strides) + 1);
      if (out(h) < 1 || out(w) < 1) {
        throw new ConfigError(`${ctx.name}: a ${options.size}×${options.size} pool does not fit a ${h}×${w} input; use a larger input (pad it)`);
      }
      const isMax = type === 'max_pool';
      return {
        name: ctx.name,
        parameters: [],
        state: [],
        outputShape: [out(h), out(w), c],
        kernels: isMax ? ['MaxPool', 'MaxPoolGrad'] : ['AvgPool', 'AvgPoolGrad'],
        config: { op: type, size: options.size, strides, padding },
        apply: (x) =>
          isMax
            ? tf.maxPool(x as tf.Tensor4D, options.size, strides, padding)
            : tf.avgPool(x as tf.Tensor4D, options.size, strides, padding),
      };
    },
  };
}

export const maxPool = (options: PoolOptions): LayerSpec => pool('max_pool', options);
export const avgPool = (options: PoolOptions): LayerSpec => pool('avg_pool', options);

/**
 * Global average pooling: `[h, w, c]` → `[c]`, the mean of each channel. Makes a classifier
 * head independent of the input size (ResNet's `avg_pool2d(out, 4)` at 32×32 is the same thing).
 */
export function globalAvgPool(): LayerSpec {
  return {
    type: 'global_avg_pool',
    parameterised: false,
    build(ctx) {
      if (ctx.inputShape.length !== 3) {
        throw new ConfigError(`${ctx.name}: global average pooling expects [height, width, channels], got [${ctx.inputShape.join(', ')}]`);
      }
      const channels = ctx.inputShape[2]!;
      return {
        name: ctx.name,
        parameters: [],
        state: [],
        outputShape: [channels],
        kernels: ['Mean', 'Reshape', 'Multiply', 'RealDiv'],
        config: { op: 'global_avg_pool' },
        apply: (x) => tf.mean(x, [1, 2]),
      };
    },
  };
}
