import { nn, parseOptions, type Model, type ModelPlugin } from '@wus/core';
import { baseModelOptions, scaled } from '../common/options.js';

/**
 * ResNet-18 for CIFAR (kuangliu/pytorch-cifar `models/resnet.py`, BasicBlock [2, 2, 2, 2]):
 * stem 3×3 conv (64, stride 1, no bias) → BN → ReLU with no max-pool, four stages of two basic
 * blocks (64, 128, 256, 512 filters; stages 2–4 start with stride 2 and a 1×1-conv + BN
 * projection shortcut), global average pooling, one linear classifier. 11,173,962 parameters
 * for 10 classes. Any input size works (28×28 → 28, 14, 7, 4).
 */
export function buildResnet18(options: unknown): Model {
  const o = parseOptions('model "resnet18"', baseModelOptions, options);
  const w = (filters: number) => scaled(filters, o.widthMultiplier);
  const layers: nn.LayerSpec[] = [nn.conv2d({ filters: w(64), kernelSize: 3, padding: 1, useBias: false }), nn.batchNorm(), nn.relu()];
  for (const [filters, strides] of [[64, 1], [128, 2], [256, 2], [512, 2]] as const) {
    layers.push(nn.basicBlock({ filters: w(filters), strides }), nn.basicBlock({ filters: w(filters) }));
  }
  layers.push(nn.globalAvgPool(), nn.dense({ units: o.numClasses }));
  return nn.sequential({ name: 'resnet18', inputShape: o.inputShape, numClasses: o.numClasses, seed: o.seed, layers });
}

export const resnet18Plugin: ModelPlugin = {
  kind: 'model',
  name: 'resnet18',
  options: baseModelOptions,
  description: 'ResNet-18, CIFAR stem (3×3 conv, no max-pool; kuangliu/pytorch-cifar); 11.17 M parameters at width 1, any input size',
  create: (options) => buildResnet18(options),
};
