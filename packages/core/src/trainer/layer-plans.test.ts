import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import { ConfigError } from '../errors/errors.js';
import { takeFlops } from '../kernels/flop-counter.js';
import * as nn from '../nn/index.js';
import { Sgd } from '../optim/sgd.js';
import { FULL_UPDATE, type UpdatePlan } from '../plan/update-plan.js';
import { toyDataset } from '../testing/array-split.js';
import { fixedPolicy, kernelsOfPlanStep, tinyPlanStep } from '../testing/plan-steps.js';
import { Trainer } from './trainer.js';

const count = (names: string[], name: string) => names.filter((n) => n === name).length;
/** The shared tiny conv net: conv (0) → BN (1) → ReLU → pool → conv (2) → ReLU → flatten → dense (3) → ReLU → dense (4). */
const setup = (plan: UpdatePlan = FULL_UPDATE) => tinyPlanStep(plan);

describe('layer-wise plans: truncated backprop (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('freezing the front runs no dW and no dX below the lowest updated parameter', async () => {
    // conv 1 and its BN frozen: conv 2 gets dW but no dX (its input comes from the frozen front).
    const belowConv2 = await kernelsOfPlanStep({ groups: FULL_UPDATE.groups, freezeBelowDepth: 2 });
    expect(count(belowConv2, 'Conv2DBackpropFilter')).toBe(1);
    expect(count(belowConv2, 'Conv2DBackpropInput')).toBe(0);
    // 2 forward + 2 dW + 2 dX (dense 2 → dense 1 → flatten, to reach conv 2).
    expect(count(belowConv2, 'BatchMatMul')).toBe(6);
    // Both convolutions frozen: no convolution gradient at all; dense 1 needs no dX either.
    const classifierOnly = await kernelsOfPlanStep({ groups: FULL_UPDATE.groups, freezeBelowDepth: 3 });
    expect(count(classifierOnly, 'Conv2DBackpropFilter')).toBe(0);
    expect(count(classifierOnly, 'Conv2DBackpropInput')).toBe(0);
    expect(count(classifierOnly, 'BatchMatMul')).toBe(2 + 2 + 1);
  });

  it('a frozen layer by name keeps the input gradients that reach layers below it', async () => {
    const k = await kernelsOfPlanStep({ groups: FULL_UPDATE.groups, freezeLayers: ['conv2d_2'] });
    expect(count(k, 'Conv2DBackpropFilter')).toBe(1); // conv 1 only
    expect(count(k, 'Conv2DBackpropInput')).toBe(1); // through conv 2, to reach BN and conv 1
  });

  it('frozen parameters are bit-identical after a layer-wise step', () => {
    const plan: UpdatePlan = { groups: FULL_UPDATE.groups, freezeBelowDepth: 3 };
    const { model, trainer, batch } = setup(plan);
    const before = new Map(model.parameters.map((p) => [p.name, Array.from(p.variable.dataSync())]));
    tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan)));
    for (const p of model.parameters) {
      const same = before.get(p.name)!.every((v, i) => Object.is(v, p.variable.dataSync()[i]));
      expect(same, p.name).toBe(p.depth < 3);
    }
  });

  it('counts FLOPs of the kernels that ran: forward, dX and dW', async () => {
    const { model, trainer, batch } = setup();
    const n = 16;
    const flops = Object.fromEntries(model.structure.layers.map((l) => [l.name, l.flops * n]));
    const step = (plan: UpdatePlan) => {
      takeFlops();
      tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan)));
      return takeFlops();
    };
    const forward = model.structure.flops * n;
    const full = step(FULL_UPDATE);
    expect(full).toEqual({ forward, dW: forward, dX: forward - flops['conv2d_1']! });
    const front = step({ groups: FULL_UPDATE.groups, freezeBelowDepth: 3 });
    expect(front).toEqual({ forward, dW: flops['dense_1']! + flops['dense_2']!, dX: flops['dense_2']! });
    // Evaluation is not counted.
    await trainer.evaluate(setup().data.train);
    expect(takeFlops()).toEqual({ forward: 0, dX: 0, dW: 0 });
  });

  it('rejects plans that name nothing real, naming the policy', () => {
    const { trainer } = setup();
    expect(() => trainer.checkPlan({ groups: ['weights' as never] })).toThrow(ConfigError);
    expect(() => trainer.checkPlan({ groups: ['weights' as never] })).toThrow(/policy "fixed" returned an invalid plan: unknown parameter group "weights"/);
    expect(() => trainer.checkPlan({ groups: ['bias'], freezeLayers: ['conv9'] })).toThrow(/unknown layer "conv9"; tiny-convnet's layers: conv2d_1, batch_norm_1/);
    expect(() => trainer.checkPlan({ groups: ['bias'], freezeBelowDepth: 6 })).toThrow(/freezeBelowDepth 6 is outside the model's depths 0…5/);
    expect(() => trainer.checkPlan({ groups: ['bias'], layerLrScale: { dense_1: -1 } })).toThrow(/layerLrScale of dense_1/);
    expect(() => trainer.checkPlan(undefined as never)).toThrow(/expected \{ groups/);
  });
});

/** A LeNet-like net without BatchNorm or dropout: its frozen prefix is cacheable as is. */
function lenetLike(seed: number) {
  return nn.sequential({
    name: 'lenet-like',
    inputShape: [8, 8, 1],
    numClasses: 3,
    seed,
    layers: [
      nn.conv2d({ filters: 4, kernelSize: 3 }),
      nn.relu(),
      nn.maxPool({ size: 2 }),
      nn.conv2d({ filters: 6, kernelSize: 3 }),
      nn.relu(),
      nn.flatten(),
      nn.dense({ units: 8 }),
      nn.relu(),
      nn.dense({ units: 3 }),
    ],
  });
}

describe('frozen-prefix cache (cpu backend)', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });
  const plan: UpdatePlan = { groups: FULL_UPDATE.groups, freezeBelowDepth: 2 };

  async function train(cacheBytes: number, epochs = 3, augmented = false) {
    const model = lenetLike(11);
    const toy = toyDataset({ count: 40, sampleShape: [8, 8, 1], numClasses: 3, seed: 12 });
    const data = augmented ? { ...toy, train: { ...toy.train, deterministic: false } } : toy;
    const optimizer = new Sgd({ momentum: 0.9 });
    const trainer = new Trainer({ model, data, optimizer, policy: fixedPolicy(plan), epochs, batchSize: 8, lr: 0.05, seed: 13, prefixCacheBytes: cacheBytes });
    const result = await trainer.fit();
    const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()));
    model.dispose();
    optimizer.dispose();
    return { result, weights };
  }

  it('gives bit-identical losses and weights to recomputing the prefix', async () => {
    const cached = await train(1 << 20);
    const recomputed = await train(0);
    expect(cached.result.epochs.map((e) => e.metrics['loss'])).toEqual(recomputed.result.epochs.map((e) => e.metrics['loss']));
    cached.weights.forEach((w, i) => expect(w.every((v, j) => Object.is(v, recomputed.weights[i]![j]))).toBe(true));
    // The cache really skips the prefix: after the first epoch no conv 1 forward runs.
    const forward = (r: typeof cached) => r.result.epochs.map((e) => e.compute.forward);
    expect(forward(cached)[1]!).toBeLessThan(forward(recomputed)[1]!);
    expect(forward(cached)[0]).toBe(forward(recomputed)[0]);
    // What the window froze is recorded per epoch: both convolutions' share of the parameters.
    const convs = 3 * 3 * 1 * 4 + 4 + 3 * 3 * 4 * 6 + 6; // 'same' padding: 8×8 → pool 4×4 → flatten 4·4·6 = 96
    const all = convs + 96 * 8 + 8 + 8 * 3 + 3;
    expect(cached.result.epochs[0]!.frozenFraction).toBeCloseTo(convs / all, 10);
  });

  it('is not used past its budget, nor for augmented data', async () => {
    const tiny = await train(100, 2);
    const augmented = await train(1 << 20, 2, true);
    const none = await train(0, 2);
    expect(tiny.result.epochs[1]!.compute.forward).toBe(none.result.epochs[1]!.compute.forward);
    expect(augmented.result.epochs[1]!.compute.forward).toBe(none.result.epochs[1]!.compute.forward);
  });

  it('rejects a budget that is not a size', () => {
    const data = toyDataset({ count: 8, sampleShape: [8, 8, 1], numClasses: 3, seed: 1 });
    expect(() => new Trainer({ model: lenetLike(1), data, optimizer: new Sgd(), policy: fixedPolicy(plan), epochs: 1, batchSize: 8, lr: 0.1, seed: 1, prefixCacheBytes: -1 })).toThrow(
      /prefix cache budget must be a size in bytes ≥ 0, got -1/,
    );
  });

  it('leaves no tensor behind across trainings', async () => {
    await train(1 << 20, 1);
    const before = tf.memory().numTensors;
    await train(1 << 20, 2);
    await train(0, 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
