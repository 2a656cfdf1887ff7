import { nn, parseOptions, type Model, type ModelPlugin } from '@wus/core';
import { z } from 'zod';
import { baseModelOptions, scaled } from '../common/options.js';

const mlpOptions = baseModelOptions.extend({
  /** Hidden layer widths before the width multiplier. */
  hidden: z.array(z.number().int().positive()).min(1).default([256, 128]).describe('hidden layer widths, before the width multiplier'),
});

/** Multi-layer perceptron: flatten → (dense → ReLU)* → dense logits. */
export function buildMlp(options: unknown): Model {
  const o = parseOptions('model "mlp"', mlpOptions, options);
  const layers: nn.LayerSpec[] = [nn.flatten()];
  for (const units of o.hidden) layers.push(nn.dense({ units: scaled(units, o.widthMultiplier) }), nn.relu());
  layers.push(nn.dense({ units: o.numClasses }));
  return nn.sequential({ name: 'mlp', inputShape: o.inputShape, numClasses: o.numClasses, seed: o.seed, layers });
}

export const mlpPlugin: ModelPlugin = {
  kind: 'model',
  name: 'mlp',
  options: mlpOptions,
  description: 'Multi-layer perceptron (default hidden widths 256-128, ReLU)',
  create: (options) => buildMlp(options),
};
