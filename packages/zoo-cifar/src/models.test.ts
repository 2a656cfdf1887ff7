import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, countByGroup, isPlugin, pluginsOfModule, selectBackend, type Model } from '@wus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as zoo from './index.js';
import { buildAlexnet } from './alexnet/alexnet.js';
import { buildResnet18 } from './resnet/resnet18.js';
import { buildVgg11, buildVgg16 } from './vgg/vgg.js';

const BUILDERS: Record<string, (o: unknown) => Model> = { alexnet: buildAlexnet, vgg11: buildVgg11, vgg16: buildVgg16, resnet18: buildResnet18 };

/** Trainable variables tfjs knows about, by tfjs name. */
const trainableVariables = () => Object.values(tf.engine().state.registeredVariables).filter((v) => v.trainable).map((v) => v.name);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('zoo-cifar plugins', () => {
  it('are exported as model plugins the core recognises', () => {
    expect(zoo.plugins.map((p) => p.name)).toEqual(['alexnet', 'vgg11', 'vgg16', 'resnet18']);
    expect(pluginsOfModule(zoo as unknown as Record<string, unknown>)).toEqual(zoo.plugins);
    for (const p of zoo.plugins) expect(isPlugin(p) && p.kind === 'model').toBe(true);
  });

  it('create() builds through the plugin like the CLI does', () => {
    const m = zoo.resnet18Plugin.create({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.0625 }, { registry: undefined as never });
    expect(m.name).toBe('resnet18');
    m.dispose();
  });
});

describe.each(Object.keys(BUILDERS))('%s at small width', (name) => {
  const build = BUILDERS[name]!;

  it.each([10, 100])('maps [n, 32, 32, 3] to [n, %i] logits in training and inference mode', (classes) => {
    const m = build({ inputShape: [32, 32, 3], numClasses: classes, seed: 1, widthMultiplier: 0.0625 });
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1);
    for (const training of [true, false]) {
      const y = m.forward(x, training);
      expect(y.shape).toEqual([2, classes]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      y.dispose();
    }
    x.dispose();
    m.dispose();
  });

  it('classifies every trainable variable it creates into a parameter group; BN moving stats are state', () => {
    const before = new Set(trainableVariables());
    const m = build({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.125 });
    const created = trainableVariables().filter((v) => !before.has(v));
    expect(created.sort()).toEqual(m.parameters.map((p) => p.variable.name).sort());
    const groups = countByGroup(m.parameters);
    expect(groups['norm-scale']).toBe(groups['norm-shift']);
    expect((m as unknown as { state: unknown[] }).state).toHaveLength(name === 'alexnet' ? 0 : m.parameters.filter((p) => p.group === 'norm-scale').length * 2);
    for (const p of m.parameters) {
      const role = p.name.split('/').at(-1);
      expect(p.group).toBe({ kernel: 'weight', bias: 'bias', gamma: 'norm-scale', beta: 'norm-shift' }[role!]);
    }
    // Depth = index among parameterised layers: 0, 1, 2 … with no gaps, in parameter order.
    const depths = [...new Set(m.parameters.map((p) => p.depth))];
    expect(depths).toEqual(depths.map((_, i) => i));
    m.dispose();
  });

  it('scales every hidden width with widthMultiplier, never the input or the classes', () => {
    const m = build({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.5 });
    const first = m.parameters[0]!.variable.shape;
    expect(first[2]).toBe(3);
    expect(first[3]).toBe(32); // 64 × 0.5 in every model's first conv
    expect(m.parameters.at(-1)!.variable.shape).toEqual([10]);
    m.dispose();
  });

  it('rejects misspelt or bad options naming them', () => {
    expect(() => build({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultipler: 0.5 })).toThrow(/invalid options for model ".*": .*widthMultipler/);
    expect(() => build({ inputShape: [3072], numClasses: 10, seed: 1 })).toThrow(/inputShape: expected an image shape/);
    expect(() => build({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0 })).toThrow(ConfigError);
  });
});

describe('28×28 inputs (Fashion-MNIST)', () => {
  it('ResNet-18 works on them (28 → 28, 14, 7, 4, then global pooling)', () => {
    const m = buildResnet18({ inputShape: [28, 28, 1], numClasses: 10, seed: 1, widthMultiplier: 0.0625 });
    const y = tf.tidy(() => m.forward(tf.zeros([1, 28, 28, 1]), false));
    expect(y.shape).toEqual([1, 10]);
    y.dispose();
    m.dispose();
  });

  it.each([
    ['alexnet', 29, "its 11×11 stride-4 stem and three 2×2 max-pools"],
    ['vgg11', 32, 'five 2×2 max-pools'],
    ['vgg16', 32, 'five 2×2 max-pools'],
  ])('%s refuses them with a ConfigError suggesting a pad', (name, min, why) => {
    const attempt = () => BUILDERS[name]!({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`model "${name}" needs inputs of at least ${min}×${min} (${why}), got 28×28; pad the images, e.g. --dataset-option padTo=32`);
    const padded = BUILDERS[name]!({ inputShape: [32, 32, 1], numClasses: 10, seed: 1, widthMultiplier: 0.0625 });
    padded.dispose();
  });
});

describe('model-specific options', () => {
  it('AlexNet takes an optional dropout before its classifier', () => {
    const plain = buildAlexnet({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.0625 });
    const dropped = buildAlexnet({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.0625, dropout: 0.5 });
    expect(dropped.summary()).toMatch(/dropout_1/);
    expect(plain.summary()).not.toMatch(/dropout/);
    expect(() => buildAlexnet({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, dropout: 1 })).toThrow(/dropout/);
    plain.dispose();
    dropped.dispose();
  });

  it('VGG can drop the conv biases before BN (convBias: false)', () => {
    const m = buildVgg11({ inputShape: [32, 32, 3], numClasses: 10, seed: 1, widthMultiplier: 0.125, convBias: false });
    expect(m.parameters.filter((p) => p.group === 'bias').map((p) => p.name)).toEqual(['dense_1/bias']);
    m.dispose();
  });
});
