import * as tf from '@tensorflow/tfjs-core';
import { Sgd } from '../optim/sgd.js';
import type { UpdatePlan } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { Trainer } from '../trainer/trainer.js';
import { toyDataset } from './array-split.js';
import { tinyConvNet } from './tiny-convnet.js';

/** A policy that always returns `plan`. */
export const fixedPolicy = (plan: UpdatePlan): SkipPolicy => ({ description: 'fixed', plan: () => plan });

/**
 * A trainer of the tiny conv net (or `model`, on [8, 8, 2] inputs, 3 classes) on a toy batch of
 * 16, for tests that run single steps of a plan: which kernels run, what changes.
 */
export function tinyPlanStep(plan: UpdatePlan, model: ReturnType<typeof tinyConvNet> = tinyConvNet(1)) {
  const data = toyDataset({ count: 16, sampleShape: [8, 8, 2], numClasses: 3, seed: 2 });
  const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: fixedPolicy(plan), epochs: 1, batchSize: 16, lr: 0.1, seed: 3 });
  const batch = [...data.train.batches({ batchSize: 16 })][0]!;
  return { model, trainer, batch, data };
}

/** The names of the kernels one training step of `plan` on the tiny conv net runs, in order. */
export async function kernelsOfPlanStep(plan: UpdatePlan): Promise<string[]> {
  const { trainer, batch } = tinyPlanStep(plan);
  return (await tf.profile(() => tf.dispose(Object.values(trainer.trainStep(batch.x, batch.y, plan))))).kernels.map((k) => k.name);
}
