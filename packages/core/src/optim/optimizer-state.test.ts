import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import { softmaxCrossEntropy } from '../loss/cross-entropy.js';
import * as nn from '../nn/index.js';
import type { ParameterGroup } from '../params/parameter.js';
import { FULL_UPDATE, skipWeights, type UpdatePlan } from '../plan/update-plan.js';
import { toyDataset } from '../testing/array-split.js';
import { Trainer } from '../trainer/trainer.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { Sgd } from './sgd.js';

/**
 * The tfjs trap: stock optimizers key state by position in each call's variable list, so
 * alternating full and bias-only steps hands bias 0 the momentum of weight 0. Here every
 * variable's value and state is checked, step by step, against a reference computed by hand
 * in float64 from the same gradients.
 */
const PLANS: UpdatePlan[] = [FULL_UPDATE, skipWeights(), skipWeights(), FULL_UPDATE, skipWeights(), FULL_UPDATE, FULL_UPDATE];
const LR = 0.05;

type Rule = (state: Record<string, number[]>, w: number[], g: number[], count: number) => void;

const sgdRule = (momentum: number, wd: number, decayed: (g: ParameterGroup) => boolean, group: ParameterGroup): Rule => (s, w, g, count) => {
  const buf = (s['momentum'] ??= w.map(() => 0));
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]! + (decayed(group) ? wd * w[i]! : 0);
    buf[i] = count === 1 ? gi : momentum * buf[i]! + gi;
    w[i] = w[i]! - LR * buf[i]!;
  }
};

const adamRule = (b1: number, b2: number, eps: number): Rule => (s, w, g, t) => {
  const m = (s['m'] ??= w.map(() => 0));
  const v = (s['v'] ??= w.map(() => 0));
  for (let i = 0; i < w.length; i++) {
    m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
    v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
    const mh = m[i]! / (1 - b1 ** t);
    const vh = v[i]! / (1 - b2 ** t);
    w[i] = w[i]! - (LR * mh) / (Math.sqrt(vh) + eps);
  }
};

function mlp(seed: number) {
  return nn.sequential({
    name: 'mlp',
    inputShape: [6],
    numClasses: 3,
    seed,
    // Hidden widths chosen so some weight and bias shapes coincide ([3,3]-free but [4]...):
    // the trap would then corrupt silently instead of throwing.
    layers: [nn.dense({ units: 4 }), nn.relu(), nn.dense({ units: 4 }), nn.relu(), nn.dense({ units: 3 })],
  });
}

async function checkAgainstReference(optimizer: Optimizer, ruleFor: (group: ParameterGroup) => Rule) {
  const model = mlp(7);
  const data = toyDataset({ count: 12, sampleShape: [6], numClasses: 3, seed: 8 });
  const trainer = new Trainer({ model, data, optimizer, policy: { description: 'x', plan: () => FULL_UPDATE }, epochs: 1, batchSize: 12, lr: LR, seed: 9 });
  const batch = [...data.train.batches({ batchSize: 12 })][0]!;
  const ref = new Map(model.parameters.map((p) => [p.name, { w: Array.from(p.variable.dataSync()), state: {} as Record<string, number[]>, count: 0 }]));

  for (const plan of PLANS) {
    // Gradients of every parameter at the current (shared) values: the reference's input.
    const { grads } = tf.variableGrads(() => softmaxCrossEntropy(model.forward(batch.x, true), batch.y), model.parameters.map((p) => p.variable));
    const g = new Map(model.parameters.map((p) => [p.name, Array.from(grads[p.variable.name]!.dataSync())]));
    tf.dispose(Object.values(grads));
    for (const p of model.parameters) {
      if (!plan.groups.includes(p.group)) continue;
      const r = ref.get(p.name)!;
      r.count++;
      ruleFor(p.group)(r.state, r.w, g.get(p.name)!, r.count);
    }
    tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan)));

    for (const p of model.parameters) {
      const r = ref.get(p.name)!;
      const actual = Array.from(p.variable.dataSync());
      actual.forEach((a, i) => expect(a).toBeCloseTo(r.w[i]!, 5));
      const st = optimizer.stateOf(p.name);
      expect(st?.updates ?? 0).toBe(r.count);
      for (const [slot, values] of Object.entries(r.state)) {
        const got = Array.from(st!.slots[slot]!.dataSync());
        got.forEach((a, i) => expect(a).toBeCloseTo(values[i]!, 5));
      }
    }
  }
  // Sanity: the schedule really froze the weights for a while and moved them otherwise.
  const weightUpdates = optimizer.stateOf(model.parameters.find((p) => p.group === 'weight')!.name)!.updates;
  expect(weightUpdates).toBe(PLANS.filter((p) => p.groups.includes('weight')).length);
  expect(optimizer.stateOf(model.parameters.find((p) => p.group === 'bias')!.name)!.updates).toBe(PLANS.length);
}

describe('optimizer state is kept per parameter across changing update plans', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('SGD with momentum and weight decay (decay on weights only)', async () => {
    const decayed = (g: ParameterGroup) => g === 'weight';
    await checkAgainstReference(new Sgd({ momentum: 0.9, weightDecay: 0.01 }), (group) => sgdRule(0.9, 0.01, decayed, group));
  });

  it('Adam with per-parameter bias correction', async () => {
    await checkAgainstReference(new Adam(), () => adamRule(0.9, 0.999, 1e-8));
  });
});
