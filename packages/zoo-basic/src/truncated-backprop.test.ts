import * as tf from '@tensorflow/tfjs-core';
import { FULL_UPDATE, SKIP_WEIGHTS_GROUPS, Sgd, Trainer, selectBackend, type UpdatePlan } from '@wus/core';
import { toyDataset } from '@wus/core/testing';
import { beforeAll, expect, it } from 'vitest';
import { buildLenet5 } from './lenet5/lenet5.js';

/** LeNet-5 (conv 0, conv 1, dense 2–4): the gradient kernels each plan implies, and no others. */
const count = (names: string[], name: string) => names.filter((n) => n === name).length;

beforeAll(async () => {
  await selectBackend('cpu');
});

it.each([
  ['full', FULL_UPDATE, { filter: 2, input: 1, matmul: 3 + 3 + 3 }],
  ['bias-only (paper)', { groups: SKIP_WEIGHTS_GROUPS }, { filter: 0, input: 1, matmul: 3 + 3 }],
  ['conv 1 frozen', { groups: FULL_UPDATE.groups, freezeBelowDepth: 1 }, { filter: 1, input: 0, matmul: 3 + 3 + 3 }],
  ['both convs frozen', { groups: FULL_UPDATE.groups, freezeBelowDepth: 2 }, { filter: 0, input: 0, matmul: 3 + 3 + 2 }],
  ['last layer only', { groups: FULL_UPDATE.groups, freezeBelowDepth: 4 }, { filter: 0, input: 0, matmul: 3 + 1 }],
] as const)('LeNet-5, %s', async (_name, plan: UpdatePlan, expected) => {
  const model = buildLenet5({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const data = toyDataset({ count: 4, sampleShape: [28, 28, 1], numClasses: 10, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'fixed', plan: () => plan }, epochs: 1, batchSize: 4, lr: 0.1, seed: 3 });
  const batch = [...data.train.batches({ batchSize: 4 })][0]!;
  const before = model.parameters.map((p) => Array.from(p.variable.dataSync()));
  const kernels = (await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))))).kernels.map((k) => k.name);
  expect(count(kernels, 'Conv2DBackpropFilter')).toBe(expected.filter);
  expect(count(kernels, 'Conv2DBackpropInput')).toBe(expected.input);
  expect(count(kernels, 'BatchMatMul')).toBe(expected.matmul);
  model.parameters.forEach((p, i) => {
    const frozen = p.depth < (plan.freezeBelowDepth ?? 0) || !plan.groups.includes(p.group);
    expect(before[i]!.every((v, j) => Object.is(v, p.variable.dataSync()[j])), p.name).toBe(frozen);
  });
  model.dispose();
});
