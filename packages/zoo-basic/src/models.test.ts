import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, FULL_UPDATE, Sgd, Trainer, countByGroup, selectBackend, skipWeights } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLenet5 } from './lenet5/lenet5.js';
import { buildMlp } from './mlp/mlp.js';

describe('model zoo: MLP and LeNet-5', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('MLP 784-256-128-10 has the textbook parameter count and groups', () => {
    const m = buildMlp({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    // 784·256+256 + 256·128+128 + 128·10+10
    expect(countByGroup(m.parameters)).toEqual({ weight: 784 * 256 + 256 * 128 + 128 * 10, bias: 256 + 128 + 10, 'norm-scale': 0, 'norm-shift': 0 });
    const y = tf.tidy(() => m.forward(tf.zeros([2, 28, 28, 1]), false));
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
  });

  it('LeNet-5 on 28×28 has 61,706 parameters (the classic count) and 10 logits', () => {
    const m = buildLenet5({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const c = countByGroup(m.parameters);
    expect(c.weight + c.bias).toBe(61_706);
    expect(m.parameters.map((p) => `${p.name}:${p.group}:${p.depth}`)).toEqual([
      'conv2d_1/kernel:weight:0', 'conv2d_1/bias:bias:0', 'conv2d_2/kernel:weight:1', 'conv2d_2/bias:bias:1',
      'dense_1/kernel:weight:2', 'dense_1/bias:bias:2', 'dense_2/kernel:weight:3', 'dense_2/bias:bias:3',
      'dense_3/kernel:weight:4', 'dense_3/bias:bias:4',
    ]);
    const y = tf.tidy(() => m.forward(tf.zeros([3, 28, 28, 1]), true));
    expect(y.shape).toEqual([3, 10]);
    y.dispose();
    expect(buildLenet5({ inputShape: [32, 32, 3], numClasses: 10, seed: 1 }).forward(tf.zeros([1, 32, 32, 3]), false).shape).toEqual([1, 10]);
  });

  it('width multiplier scales every hidden width', () => {
    const m = buildLenet5({ inputShape: [28, 28, 1], numClasses: 10, seed: 1, widthMultiplier: 0.5 });
    expect(m.parameters.find((p) => p.name === 'conv2d_1/kernel')!.variable.shape).toEqual([5, 5, 1, 3]);
  });

  it('too-small inputs and bad options fail with clear messages', () => {
    expect(() => buildLenet5({ inputShape: [16, 16, 1], numClasses: 10, seed: 1 })).toThrow(/at least 28×28, got 16×16; pad the images/);
    expect(() => buildMlp({ inputShape: [4], numClasses: 1, seed: 1 })).toThrow(ConfigError);
    expect(() => buildMlp({ inputShape: [4], numClasses: 3, seed: 1, widthMultiplier: -2 })).toThrow(/widthMultiplier/);
  });

  it('same seed → identical initial weights; a training step lowers the loss on a fixed batch', async () => {
    const a = buildLenet5({ inputShape: [28, 28, 1], numClasses: 4, seed: 9 });
    const b = buildLenet5({ inputShape: [28, 28, 1], numClasses: 4, seed: 9 });
    expect(Array.from(a.parameters[0]!.variable.dataSync())).toEqual(Array.from(b.parameters[0]!.variable.dataSync()));
    const data = toyDataset({ count: 32, sampleShape: [28, 28, 1], numClasses: 4, seed: 3 });
    const trainer = new Trainer({ model: a, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'x', plan: () => FULL_UPDATE }, epochs: 1, batchSize: 32, lr: 0.05, seed: 1 });
    const batch = [...data.train.batches({ batchSize: 32 })][0]!;
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = trainer.trainStep(batch.x, batch.y, i === 1 ? skipWeights() : FULL_UPDATE);
      losses.push(out.lossSum.dataSync()[0]! / 32);
      tf.dispose([out.lossSum, out.correct]);
    }
    expect(losses[2]!).toBeLessThan(losses[0]!);
  });
});
