import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, Sgd, Trainer, selectBackend, skipWeights, type Model, type ParameterGroup, type UpdatePlan } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAlexnet } from './alexnet/alexnet.js';
import { buildResnet18 } from './resnet/resnet18.js';
import { buildVgg11, buildVgg16 } from './vgg/vgg.js';

// Small widths, a batch of 4 and (ResNet, which takes any size) 16×16 inputs: the cpu backend's
// Conv2DBackpropFilter costs ~250 ns per multiply-add (a separate issue brings fast kernels).
const CASES: [string, (o: unknown) => Model, number, number][] = [
  ['alexnet', buildAlexnet, 0.125, 32],
  ['vgg11', buildVgg11, 0.0625, 32],
  ['vgg16', buildVgg16, 0.0625, 32],
  ['resnet18', buildResnet18, 0.0625, 16],
];
const BATCH = 4;

function setup(build: (o: unknown) => Model, width: number, size = 32) {
  const model = build({ inputShape: [size, size, 3], numClasses: 4, seed: 1, widthMultiplier: width });
  const data = toyDataset({ count: BATCH, sampleShape: [size, size, 3], numClasses: 4, seed: 3 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'x', plan: () => FULL_UPDATE }, epochs: 1, batchSize: BATCH, lr: 0.01, seed: 2 });
  const batch = [...data.train.batches({ batchSize: BATCH })][0]!;
  const step = (plan: UpdatePlan): number => {
    const out = trainer.trainStep(batch.x, batch.y, plan);
    const loss = out.lossSum.dataSync()[0]! / BATCH;
    tf.dispose([out.lossSum, out.correct]);
    return loss;
  };
  return { model, trainer, batch, step };
}

const snapshot = (m: Model) => new Map(m.parameters.map((p) => [p.name, Float32Array.from(p.variable.dataSync())]));
const identical = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]));

beforeAll(async () => {
  await selectBackend('cpu');
});

describe.each(CASES)('%s', (_name, build, width, size) => {
  it('one training step reduces the loss on a fixed batch', () => {
    const { model, step } = setup(build, width, size);
    // A step reports the loss before its update; an empty plan only measures (training mode).
    const before = step(FULL_UPDATE);
    const after = step({ groups: [] });
    expect(after, `${before} → ${after}`).toBeLessThan(before);
    model.dispose();
  });
});

describe('a step updates exactly the groups its plan names (VGG-11: all four groups present)', () => {
  const plans: ParameterGroup[][] = [['bias', 'norm-shift'], ['norm-shift'], ['bias'], ['norm-scale'], ['weight']];
  it.each(plans.map((g) => [g.join('+'), g] as const))('%s', (_label, groups) => {
    const { model, step } = setup(buildVgg11, 0.0625);
    const before = snapshot(model);
    step({ groups });
    const after = snapshot(model);
    for (const p of model.parameters) {
      const same = identical(before.get(p.name)!, after.get(p.name)!);
      if (!groups.includes(p.group)) expect(same, `${p.name} (${p.group}) is not in the plan`).toBe(true);
      // A conv bias right before BN has a zero gradient up to rounding (BN removes per-channel
      // constants): it may or may not move by ~1e-9; every other named parameter must move.
      else if (p.group === 'bias' && p.name.startsWith('conv2d_')) {
        const drift = Math.max(...after.get(p.name)!.map((v, i) => Math.abs(v - before.get(p.name)![i]!)));
        expect(drift).toBeLessThan(1e-6);
      } else expect(same, `${p.name} (${p.group}) is in the plan`).toBe(false);
    }
    model.dispose();
  });
});

describe('ResNet-18 (width 1/16, 16×16 inputs): a bias-only step skips the weight-gradient work for real', () => {
  async function kernels(plan: UpdatePlan): Promise<string[]> {
    const { model, trainer, batch } = setup(buildResnet18, 0.0625, 16);
    const profile = await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))));
    model.dispose();
    return profile.kernels.map((k) => k.name);
  }
  const count = (names: string[], name: string) => names.filter((n) => n === name).length;

  it('runs zero Conv2DBackpropFilter (a full step runs one per conv: stem + 16 in blocks + 3 projections)', async () => {
    const full = await kernels(FULL_UPDATE);
    const skip = await kernels(skipWeights());
    expect(count(full, 'Conv2D')).toBe(20);
    expect(count(full, 'Conv2DBackpropFilter')).toBe(20);
    expect(count(skip, 'Conv2DBackpropFilter')).toBe(0);
    // The classifier's weight gradient is gone too: only its forward matmul and its input gradient remain.
    expect(count(full, 'BatchMatMul') - count(skip, 'BatchMatMul')).toBe(1);
  });

  it('keeps weights and BN gammas bit-identical while BN betas and the classifier bias change', () => {
    const { model, step } = setup(buildResnet18, 0.0625, 16);
    const before = snapshot(model);
    step(skipWeights());
    const after = snapshot(model);
    const moved = model.parameters.filter((p) => !identical(before.get(p.name)!, after.get(p.name)!));
    expect(moved.map((p) => p.group).every((g) => g === 'bias' || g === 'norm-shift')).toBe(true);
    expect(moved.map((p) => p.name).sort()).toEqual(model.parameters.filter((p) => p.group === 'bias' || p.group === 'norm-shift').map((p) => p.name).sort());
    expect(model.parameters.filter((p) => p.group === 'bias').map((p) => p.name)).toEqual(['dense_1/bias']);
    model.dispose();
  });
});
