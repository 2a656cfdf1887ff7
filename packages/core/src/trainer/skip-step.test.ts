import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import * as nn from '../nn/index.js';
import { Sgd } from '../optim/sgd.js';
import { FULL_UPDATE, skipWeights, type UpdatePlan } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { toyDataset } from '../testing/array-split.js';
import { tinyConvNet } from '../testing/tiny-convnet.js';
import { Trainer } from './trainer.js';

const WEIGHT_GRADIENT_KERNELS = ['Conv2DBackpropFilter'];

function fixedPolicy(plan: UpdatePlan): SkipPolicy {
  return { description: 'fixed', plan: () => plan };
}


function setup() {
  const model = tinyConvNet(1);
  const data = toyDataset({ count: 16, sampleShape: [8, 8, 2], numClasses: 3, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9, weightDecay: 1e-3 }), policy: fixedPolicy(FULL_UPDATE), epochs: 1, batchSize: 16, lr: 0.1, seed: 3 });
  const batch = [...data.train.batches({ batchSize: 16 })][0]!;
  return { model, trainer, batch };
}

async function kernelsOfStep(plan: UpdatePlan): Promise<string[]> {
  const { trainer, batch } = setup();
  const profile = await tf.profile(() => {
    const out = trainer.trainStep(batch.x, batch.y, plan);
    tf.dispose([out.lossSum, out.correct]);
  });
  return profile.kernels.map((k) => k.name);
}

const count = (names: string[], name: string) => names.filter((n) => n === name).length;

describe('update plans run for real (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('a bias-only step runs no weight-gradient kernel; a full step does', async () => {
    const full = await kernelsOfStep(FULL_UPDATE);
    const skip = await kernelsOfStep(skipWeights());
    // Full step: both conv filters get a gradient.
    expect(count(full, 'Conv2DBackpropFilter')).toBe(2);
    for (const k of WEIGHT_GRADIENT_KERNELS) expect(count(skip, k)).toBe(0);
    // Forward: 2 conv + 0 extra. Input gradient of conv 2 is still needed (to reach conv 1's bias),
    // conv 1's input gradient is not (its input is data).
    expect(count(full, 'Conv2DBackpropInput')).toBe(1);
    expect(count(skip, 'Conv2DBackpropInput')).toBe(1);
    // Dense: 2 forward matmuls. Full: + 2 weight gradients + 2 input gradients (to flatten, and
    // between the dense layers). Bias-only: + 2 input gradients, no weight gradient.
    expect(count(full, 'BatchMatMul')).toBe(6);
    expect(count(skip, 'BatchMatMul')).toBe(4);
  });

  it('weights stay bit-identical through a skipped step while biases and BN shifts change', () => {
    const { model, trainer, batch } = setup();
    const snapshot = () => new Map(model.parameters.map((p) => [p.name, Array.from(p.variable.dataSync())]));
    const before = snapshot();
    const out = trainer.trainStep(batch.x, batch.y, skipWeights());
    tf.dispose([out.lossSum, out.correct]);
    const after = snapshot();
    for (const p of model.parameters) {
      const same = before.get(p.name)!.every((v, i) => Object.is(v, after.get(p.name)![i]));
      if (p.group === 'weight' || p.group === 'norm-scale') expect(same, `${p.name} must not change`).toBe(true);
      else expect(same, `${p.name} must change`).toBe(false);
    }
  });

  it('a full step changes every trainable group', () => {
    const { model, trainer, batch } = setup();
    const before = model.parameters.map((p) => Array.from(p.variable.dataSync()));
    const out = trainer.trainStep(batch.x, batch.y, FULL_UPDATE);
    tf.dispose([out.lossSum, out.correct]);
    model.parameters.forEach((p, i) => {
      expect(Array.from(p.variable.dataSync())).not.toEqual(before[i]);
    });
  });
});

describe('dense-only model on wasm', () => {
  it('a bias-only MLP step computes input gradients only where a bias needs them', async () => {
    await selectBackend('wasm');
    const model = nn.sequential({
      name: 'mlp',
      inputShape: [6],
      numClasses: 3,
      seed: 1,
      layers: [nn.dense({ units: 5 }), nn.relu(), nn.dense({ units: 4 }), nn.relu(), nn.dense({ units: 3 })],
    });
    const data = toyDataset({ count: 8, sampleShape: [6], numClasses: 3, seed: 2 });
    const trainer = new Trainer({ model, data, optimizer: new Sgd(), policy: fixedPolicy(FULL_UPDATE), epochs: 1, batchSize: 8, lr: 0.1, seed: 3 });
    const batch = [...data.train.batches({ batchSize: 8 })][0]!;
    const run = async (plan: UpdatePlan) =>
      (await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))))).kernels.map((k) => k.name);
    const full = await run(FULL_UPDATE);
    const skip = await run(skipWeights());
    // 3 forward; full adds 3 weight gradients and 2 input gradients; bias-only adds only the 2.
    expect(count(full, 'BatchMatMul')).toBe(8);
    expect(count(skip, 'BatchMatMul')).toBe(5);
    await selectBackend('cpu');
  });
});

describe('residual network: composite layers skip for real too (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  function residualSetup() {
    const model = nn.sequential({
      name: 'tiny-resnet',
      inputShape: [8, 8, 2],
      numClasses: 3,
      seed: 4,
      layers: [
        nn.conv2d({ filters: 4, kernelSize: 3, padding: 1, useBias: false }),
        nn.batchNorm(),
        nn.relu(),
        nn.basicBlock({ filters: 4 }),
        nn.basicBlock({ filters: 6, strides: 2 }),
        nn.globalAvgPool(),
        nn.dense({ units: 3 }),
      ],
    });
    const data = toyDataset({ count: 8, sampleShape: [8, 8, 2], numClasses: 3, seed: 5 });
    const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9, weightDecay: 1e-3 }), policy: fixedPolicy(FULL_UPDATE), epochs: 1, batchSize: 8, lr: 0.1, seed: 6 });
    const batch = [...data.train.batches({ batchSize: 8 })][0]!;
    return { model, trainer, batch };
  }

  it('a bias-only step runs no Conv2DBackpropFilter in blocks or projections; a full step runs one per conv', async () => {
    const run = async (plan: UpdatePlan) => {
      const { trainer, batch } = residualSetup();
      return (await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))))).kernels.map((k) => k.name);
    };
    const full = await run(FULL_UPDATE);
    const skip = await run(skipWeights());
    // stem + 2 per block + 1 projection = 6 convolutions.
    expect(count(full, 'Conv2D')).toBe(6);
    expect(count(full, 'Conv2DBackpropFilter')).toBe(6);
    expect(count(skip, 'Conv2DBackpropFilter')).toBe(0);
    // Input gradients are still needed to reach the BN shifts below each conv (not the stem's input).
    expect(count(skip, 'Conv2DBackpropInput')).toBe(count(full, 'Conv2DBackpropInput'));
    expect(count(skip, 'Conv2DBackpropInput')).toBe(5);
  });

  it('weights and BN scales stay bit-identical through a skipped step; BN shifts and the classifier bias move', () => {
    const { model, trainer, batch } = residualSetup();
    const before = new Map(model.parameters.map((p) => [p.name, Array.from(p.variable.dataSync())]));
    tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, skipWeights())));
    for (const p of model.parameters) {
      const same = before.get(p.name)!.every((v, i) => Object.is(v, p.variable.dataSync()[i]));
      expect(same, `${p.name} (${p.group})`).toBe(p.group === 'weight' || p.group === 'norm-scale');
    }
  });
});
