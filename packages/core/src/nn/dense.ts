import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import { deriveSeed } from '../random/random.js';
import { createParameter, glorotUniform } from './init.js';
import type { LayerSpec } from './layer.js';

export interface DenseOptions {
  readonly units: number;
  readonly useBias?: boolean;
}

/**
 * Fully connected layer, y = x·W + b, built from unfused ops on purpose: tfjs's fused matMul
 * computes every input's gradient eagerly, which would run the weight gradient even in a
 * bias-only step.
 */
export function dense(options: DenseOptions): LayerSpec {
  return {
    type: 'dense',
    parameterised: true,
    build(ctx) {
      if (ctx.inputShape.length !== 1) {
        throw new ConfigError(`${ctx.name}: dense expects a flat input, got shape [${ctx.inputShape.join(', ')}]; add nn.flatten() before it`);
      }
      const fanIn = ctx.inputShape[0]!;
      const kernel = createParameter(ctx, 'kernel', 'weight', glorotUniform([fanIn, options.units], fanIn, options.units, deriveSeed(ctx.seed, 'kernel')));
      const bias = options.useBias === false ? undefined : createParameter(ctx, 'bias', 'bias', tf.zeros([options.units]));
      return {
        name: ctx.name,
        parameters: bias === undefined ? [kernel] : [kernel, bias],
        state: [],
        outputShape: [options.units],
        flops: 2 * fanIn * options.units,
        kernels: ['BatchMatMul', 'Transpose', 'Add', 'Sum'],
        config: { op: 'dense', units: options.units, kernel: kernel.variable, ...(bias === undefined ? {} : { bias: bias.variable }) },
        apply: (x) => {
          const y = tf.matMul(x as tf.Tensor2D, kernel.variable as tf.Tensor2D);
          return bias === undefined ? y : tf.add(y, bias.variable);
        },
      };
    },
  };
}
