import { nn, parseOptions, type Model, type ModelPlugin } from '@wus/core';
import { z } from 'zod';
import { baseModelOptions, requireMinSize, scaled } from '../common/options.js';

const alexnetOptions = baseModelOptions.extend({
  /** Dropout before the classifier; 0 (the reference) = none. */
  dropout: z.number().min(0).lt(1).default(0).describe('dropout rate before the classifier; 0 = none (the reference)'),
});

/**
 * AlexNet for CIFAR as in bearpaw/pytorch-classification (`models/cifar/alexnet.py`, after
 * Krizhevsky's "One weird trick", arXiv 1404.5997): five convolutions (64, 192, 384, 256, 256
 * filters; 11×11 stride 4 pad 5, 5×5 pad 2, three 3×3 pad 1), ReLU, three 2×2 max-pools, no
 * batch norm, and one linear classifier instead of the ImageNet FC stack. 32×32 → 8 → 4 → 2 → 1,
 * so the classifier sees 256 features; 2,472,266 parameters for 10 classes.
 */
export function buildAlexnet(options: unknown): Model {
  const o = parseOptions('model "alexnet"', alexnetOptions, options);
  // conv1 gives floor((h − 1)/4) + 1; three halvings must leave 1: h ≥ 29.
  requireMinSize('alexnet', o.inputShape, 29, 'its 11×11 stride-4 stem and three 2×2 max-pools');
  const m = o.widthMultiplier;
  const conv = (filters: number, kernelSize: number, padding: number, strides = 1) =>
    nn.conv2d({ filters: scaled(filters, m), kernelSize, strides, padding });
  return nn.sequential({
    name: 'alexnet',
    inputShape: o.inputShape,
    numClasses: o.numClasses,
    seed: o.seed,
    layers: [
      conv(64, 11, 5, 4), nn.relu(), nn.maxPool({ size: 2 }),
      conv(192, 5, 2), nn.relu(), nn.maxPool({ size: 2 }),
      conv(384, 3, 1), nn.relu(),
      conv(256, 3, 1), nn.relu(),
      conv(256, 3, 1), nn.relu(), nn.maxPool({ size: 2 }),
      nn.flatten(),
      ...(o.dropout > 0 ? [nn.dropout({ rate: o.dropout })] : []),
      nn.dense({ units: o.numClasses }),
    ],
  });
}

export const alexnetPlugin: ModelPlugin = {
  kind: 'model',
  name: 'alexnet',
  options: alexnetOptions,
  description: 'AlexNet, CIFAR variant (bearpaw/pytorch-classification): 5 convs, linear classifier; 2.47 M parameters at width 1, inputs ≥ 29×29',
  create: (options) => buildAlexnet(options),
};
