import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, SKIP_WEIGHTS_GROUPS, Sgd, Trainer, selectBackend, type Model, type UpdatePlan } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildResnet18 } from './resnet/resnet18.js';
import { buildVgg11 } from './vgg/vgg.js';

/**
 * Truncated backprop on the real zoo models (reduced width, cpu backend with our kernels): for
 * each plan, the convolution-gradient kernels that run are exactly those the plan implies, and
 * every frozen parameter is bit-identical after the step.
 */
const count = (names: string[], name: string) => names.filter((n) => n === name).length;

async function step(model: Model, plan: UpdatePlan): Promise<{ kernels: string[]; unchanged: Set<string> }> {
  const data = toyDataset({ count: 2, sampleShape: [32, 32, 1], numClasses: 10, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'fixed', plan: () => plan }, epochs: 1, batchSize: 2, lr: 0.1, seed: 3 });
  const batch = [...data.train.batches({ batchSize: 2 })][0]!;
  const before = new Map(model.parameters.map((p) => [p.name, Array.from(p.variable.dataSync())]));
  const profile = await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))));
  const unchanged = new Set(model.parameters.filter((p) => before.get(p.name)!.every((v, i) => Object.is(v, p.variable.dataSync()[i]))).map((p) => p.name));
  tf.dispose([batch.x, batch.y]);
  return { kernels: profile.kernels.map((k) => k.name), unchanged };
}

const below = (d: number): UpdatePlan => ({ groups: FULL_UPDATE.groups, freezeBelowDepth: d });

/** One step of `plan` on `model`: the kernel counts it implies, and frozen parameters bit-identical. */
async function expectKernels(model: Model, plan: UpdatePlan, expected: { convs: number; filter: number; input: number; matmul: number }): Promise<void> {
  const { kernels, unchanged } = await step(model, plan);
  expect(count(kernels, 'Conv2D')).toBe(expected.convs);
  expect(count(kernels, 'Conv2DBackpropFilter')).toBe(expected.filter);
  expect(count(kernels, 'Conv2DBackpropInput')).toBe(expected.input);
  // 1 forward matmul, + its dW when the classifier's weight updates, + its dX when anything below trains.
  expect(count(kernels, 'BatchMatMul')).toBe(expected.matmul);
  const d = plan.freezeBelowDepth ?? 0;
  for (const p of model.parameters) {
    const frozen = p.depth < d || !plan.groups.includes(p.group);
    expect(unchanged.has(p.name), `${p.name} frozen=${frozen}`).toBe(frozen);
  }
  model.dispose();
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('VGG-11 (width 1/8): kernels per plan', () => {
  // conv i at depth 2i, its BN at 2i+1 (conv bias on, as in the reference), dense at 16.
  it.each([
    ['full', FULL_UPDATE, { filter: 8, input: 7, matmul: 3 }],
    ['bias-only (paper)', { groups: SKIP_WEIGHTS_GROUPS }, { filter: 0, input: 7, matmul: 2 }],
    ['front 2 convs frozen', below(4), { filter: 6, input: 5, matmul: 3 }],
    ['front 6 convs frozen', below(12), { filter: 2, input: 1, matmul: 3 }],
    ['classifier only', below(16), { filter: 0, input: 0, matmul: 2 }],
  ] as const)('%s', async (_name, plan: UpdatePlan, expected) => {
    await expectKernels(buildVgg11({ inputShape: [32, 32, 1], numClasses: 10, seed: 1, widthMultiplier: 0.125 }), plan, { convs: 8, ...expected });
  });
});

describe('ResNet-18 (width 1/8): kernels per plan', () => {
  // stem conv 0 / BN 1; 8 blocks of conv, BN, conv, BN (+ shortcut conv, BN in blocks 3, 5, 7); dense at 40.
  it.each([
    ['full', FULL_UPDATE, { filter: 20, input: 19, matmul: 3 }],
    ['bias-only (paper)', { groups: SKIP_WEIGHTS_GROUPS }, { filter: 0, input: 19, matmul: 2 }],
    // Block 1's first conv reads the frozen stem: no dX there.
    ['stem frozen', below(2), { filter: 19, input: 18, matmul: 3 }],
    // From block 3 on: its first conv and its shortcut read the frozen block 2.
    ['blocks 1–2 frozen', below(10), { filter: 15, input: 13, matmul: 3 }],
    ['classifier only', below(40), { filter: 0, input: 0, matmul: 2 }],
  ] as const)('%s', async (_name, plan: UpdatePlan, expected) => {
    await expectKernels(buildResnet18({ inputShape: [32, 32, 1], numClasses: 10, seed: 1, widthMultiplier: 0.125 }), plan, { convs: 20, ...expected });
  });
});
