import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import type { TrainingListener } from '../callbacks/callback.js';
import type { TrainingContext } from '../events/context.js';
import { Sgd } from '../optim/sgd.js';
import { FULL_UPDATE, type UpdatePlan } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import type { LrScheduler } from '../schedule/lr-scheduler.js';
import { Trainer } from '../trainer/trainer.js';
import { arraySplit } from './array-split.js';
import { scriptedAccuracyModel } from './scripted-model.js';
import { simulatePolicy } from './simulate.js';

/**
 * The simulator policy tests use must be the trainer's loop: the same events in the same order,
 * with the same context (step counters, records already in place, schedule factor) and the same
 * learning rates. Checked here against the real Trainer on a model whose validation accuracy is
 * scripted, with a policy that reacts to what it sees and an LR schedule.
 */
const ACCURACIES = [0.5, 0.6, 0.6, 0.7, 0.7, 0.7, 0.8];

/** Records every event it receives with the context it saw; skips (bias-only, half LR) after two equal evaluations. */
function recordingPolicy(log: string[]): SkipPolicy {
  const snap = (ctx: TrainingContext) => `e${ctx.epoch} s${ctx.step}/${ctx.stepInEpoch} h${ctx.history.length} v${ctx.evaluations.length} f${ctx.scheduleFactor}`;
  const hook = (name: keyof TrainingListener) => (ctx: TrainingContext, rec?: unknown) => {
    const r = rec as Record<string, unknown> | undefined;
    const detail =
      name === 'onStepEnd'
        ? ` skipped=${r!['skippedWeights']} lr=${r!['lr']}`
        : name === 'onEvaluation'
          ? ` full=${r!['fullyUpdated']} acc=${(r!['metrics'] as Record<string, number>)['val_accuracy']}`
          : name === 'onEpochEnd'
            ? ` steps=${r!['steps']} skipped=${r!['skippedSteps']} lr=${r!['lr']}`
            : '';
    log.push(`${name} ${snap(ctx)}${detail}`);
  };
  return {
    description: 'recording',
    plan(ctx): UpdatePlan {
      const v = ctx.evaluations;
      const plateau = v.length >= 2 && v[v.length - 1]!.metrics['val_accuracy'] === v[v.length - 2]!.metrics['val_accuracy'];
      log.push(`plan ${snap(ctx)} ${plateau ? 'skip' : 'full'}`);
      return plateau ? { groups: ['bias'], lrScale: { bias: 0.5 } } : FULL_UPDATE;
    },
    onTrainBegin: hook('onTrainBegin'),
    onEpochBegin: hook('onEpochBegin'),
    onStepEnd: hook('onStepEnd'),
    onEvaluation: hook('onEvaluation'),
    onEpochEnd: hook('onEpochEnd'),
    onTrainEnd: hook('onTrainEnd'),
  };
}

const schedule: LrScheduler = { description: 'halve from epoch 3', factor: (ctx) => (ctx.epoch >= 3 ? 0.5 : 1) };

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('simulatePolicy is the trainer, event by event', () => {
  it('gives the same events, contexts, plans and learning rates as a real Trainer', async () => {
    const n = 100;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const x = Float32Array.from({ length: 4 * 12 }, (_, i) => (i % 7) / 7);
    const data = {
      name: 'scripted',
      numClasses: 3,
      train: arraySplit(x, Int32Array.from({ length: 12 }, (_, i) => i % 3), [4]),
      validation: arraySplit(new Float32Array(4 * n), labels, [4]),
      test: undefined,
      source: 'generated',
    };
    const real: string[] = [];
    const model = scriptedAccuracyModel({ inputSize: 4, numClasses: 3, labels, accuracies: ACCURACIES });
    const trainer = new Trainer({ model, data, optimizer: new Sgd(), policy: recordingPolicy(real), scheduler: schedule, epochs: ACCURACIES.length, batchSize: 4, lr: 0.1, seed: 1, evalBatchSize: n });
    await trainer.fit();
    model.dispose();

    const simulated: string[] = [];
    await simulatePolicy(recordingPolicy(simulated), { stepsPerEpoch: 3, accuracies: ACCURACIES, scheduler: schedule, baseLr: 0.1 });

    expect(real.length).toBeGreaterThan(ACCURACIES.length * 8);
    expect(real.filter((l) => l.endsWith(' skip')).length).toBeGreaterThan(0);
    expect(simulated).toEqual(real);
  });
});
