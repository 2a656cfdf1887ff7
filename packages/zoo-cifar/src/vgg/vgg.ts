import { nn, parseOptions, type Model, type ModelPlugin } from '@wus/core';
import { z } from 'zod';
import { baseModelOptions, requireMinSize, scaled } from '../common/options.js';

/** Channels of each 3×3 conv, `'M'` a 2×2 max-pool (kuangliu/pytorch-cifar `models/vgg.py`). */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export type VggName = keyof typeof VGG_CONFIGS;

const vggOptions = baseModelOptions.extend({
  /**
   * Conv bias before each BN. The reference (like torchvision's `vgg*_bn`) keeps it, so the
   * counts match; its gradient is zero up to rounding since BN removes per-channel constants.
   */
  convBias: z.boolean().default(true).describe('a bias in each convolution before its BatchNorm, as in the reference'),
});

/**
 * VGG with batch norm, CIFAR head (kuangliu/pytorch-cifar): blocks of 3×3 conv (pad 1) → BN →
 * ReLU, five 2×2 max-pools (32×32 → 1×1), flatten, one 512 → classes linear layer.
 */
export function buildVgg(name: VggName, options: unknown): Model {
  const o = parseOptions(`model "${name}"`, vggOptions, options);
  requireMinSize(name, o.inputShape, 32, 'five 2×2 max-pools');
  const layers: nn.LayerSpec[] = [];
  for (const item of VGG_CONFIGS[name]) {
    if (item === 'M') layers.push(nn.maxPool({ size: 2 }));
    else layers.push(nn.conv2d({ filters: scaled(item, o.widthMultiplier), kernelSize: 3, padding: 1, useBias: o.convBias }), nn.batchNorm(), nn.relu());
  }
  layers.push(nn.flatten(), nn.dense({ units: o.numClasses }));
  return nn.sequential({ name, inputShape: o.inputShape, numClasses: o.numClasses, seed: o.seed, layers });
}

export const buildVgg11 = (options: unknown): Model => buildVgg('vgg11', options);
export const buildVgg16 = (options: unknown): Model => buildVgg('vgg16', options);

export const vgg11Plugin: ModelPlugin = {
  kind: 'model',
  name: 'vgg11',
  options: vggOptions,
  description: 'VGG-11 with batch norm, CIFAR head (kuangliu/pytorch-cifar); 9.23 M parameters at width 1, inputs ≥ 32×32',
  create: (options) => buildVgg11(options),
};

export const vgg16Plugin: ModelPlugin = {
  kind: 'model',
  name: 'vgg16',
  options: vggOptions,
  description: 'VGG-16 with batch norm, CIFAR head (kuangliu/pytorch-cifar); 14.73 M parameters at width 1, inputs ≥ 32×32',
  create: (options) => buildVgg16(options),
};
