import { countByGroup, selectBackend, type Model } from '@wus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlexnet } from './alexnet/alexnet.js';
import { buildResnet18 } from './resnet/resnet18.js';
import { VGG_CONFIGS, buildVgg } from './vgg/vgg.js';

/*
 * Reference parameter counts at width 1 for 32×32×3 inputs, BN γ/β counted, moving statistics
 * not (as PyTorch's `sum(p.numel() for p in model.parameters())`). Printed by PyTorch 2.13.0 (CPU)
 * for the reference architectures:
 *   AlexNet   bearpaw/pytorch-classification models/cifar/alexnet.py   2,472,266 / 2,495,396
 *   VGG-11-BN kuangliu/pytorch-cifar models/vgg.py ('VGG11', 512→n)    9,231,114 / 9,277,284
 *   VGG-16-BN kuangliu/pytorch-cifar models/vgg.py ('VGG16', 512→n)   14,728,266 / 14,774,436
 *   ResNet-18 kuangliu/pytorch-cifar models/resnet.py (BasicBlock)    11,173,962 / 11,220,132
 * (10 / 100 classes), with 12, 34, 54 and 62 parameter tensors. The formulas below recompute
 * them independently of the builders.
 */
const PYTORCH: Record<string, readonly [classes10: number, classes100: number, tensors: number]> = {
  alexnet: [2_472_266, 2_495_396, 12],
  vgg11: [9_231_114, 9_277_284, 34],
  vgg16: [14_728_266, 14_774_436, 54],
  resnet18: [11_173_962, 11_220_132, 62],
};

const conv = (cin: number, cout: number, k: number, bias: boolean) => k * k * cin * cout + (bias ? cout : 0);
const bn = (c: number) => 2 * c;
const linear = (i: number, o: number) => i * o + o;

const formula: Record<string, (classes: number) => number> = {
  alexnet: (n) => conv(3, 64, 11, true) + conv(64, 192, 5, true) + conv(192, 384, 3, true) + conv(384, 256, 3, true) + conv(256, 256, 3, true) + linear(256, n),
  vgg11: (n) => vggFormula('vgg11', n),
  vgg16: (n) => vggFormula('vgg16', n),
  resnet18: (n) => {
    let total = conv(3, 64, 3, false) + bn(64);
    let cin = 64;
    for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]] as const) {
      for (const s of [stride, 1]) {
        total += conv(cin, cout, 3, false) + bn(cout) + conv(cout, cout, 3, false) + bn(cout);
        if (s !== 1 || cin !== cout) total += conv(cin, cout, 1, false) + bn(cout);
        cin = cout;
      }
    }
    return total + linear(512, n);
  },
};

function vggFormula(name: keyof typeof VGG_CONFIGS, n: number): number {
  let total = 0;
  let cin = 3;
  for (const item of VGG_CONFIGS[name]) {
    if (item === 'M') continue;
    total += conv(cin, item, 3, true) + bn(item);
    cin = item;
  }
  return total + linear(512, n);
}

const builders: Record<string, (o: unknown) => Model> = {
  alexnet: buildAlexnet,
  vgg11: (o) => buildVgg('vgg11', o),
  vgg16: (o) => buildVgg('vgg16', o),
  resnet18: buildResnet18,
};

const total = (m: Model) => m.parameters.reduce((s, p) => s + p.variable.size, 0);

describe('parameter counts at width 1 equal the CIFAR references', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it.each(Object.keys(PYTORCH))('%s', (name) => {
    const [ten, hundred, tensors] = PYTORCH[name]!;
    expect(formula[name]!(10)).toBe(ten);
    expect(formula[name]!(100)).toBe(hundred);
    for (const [classes, want] of [[10, ten], [100, hundred]] as const) {
      const model = builders[name]!({ inputShape: [32, 32, 3], numClasses: classes, seed: 1 });
      try {
        expect(total(model)).toBe(want);
        expect(model.parameters).toHaveLength(tensors);
      } finally {
        model.dispose();
      }
    }
  });

  it('ResNet-18 splits into 4,800 BN γ and β each, a 10-unit classifier bias and the rest weights', () => {
    const model = buildResnet18({ inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    expect(countByGroup(model.parameters)).toEqual({ weight: 11_173_962 - 2 * 4_800 - 10, bias: 10, 'norm-scale': 4_800, 'norm-shift': 4_800 });
    model.dispose();
  });
});
