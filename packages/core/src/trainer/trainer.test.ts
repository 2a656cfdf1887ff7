import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import type { Callback } from '../callbacks/callback.js';
import { ConfigError, TrainingError } from '../errors/errors.js';
import * as nn from '../nn/index.js';
import { Sgd } from '../optim/sgd.js';
import { FULL_UPDATE, skipWeights } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { deriveSeed } from '../random/random.js';
import { toyDataset } from '../testing/array-split.js';
import { Trainer, type TrainerOptions } from './trainer.js';

const mlp = (seed: number) =>
  nn.sequential({ name: 'mlp', inputShape: [8], numClasses: 4, seed, layers: [nn.dense({ units: 16 }), nn.relu(), nn.dense({ units: 4 })] });

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    model: mlp(1),
    data: toyDataset({ count: 256, sampleShape: [8], numClasses: 4, seed: 5 }),
    optimizer: new Sgd({ momentum: 0.9 }),
    policy: { description: 'never', plan: () => FULL_UPDATE },
    epochs: 3,
    batchSize: 32,
    lr: 0.1,
    seed: 11,
    ...overrides,
  };
}

describe('Trainer', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('learns a toy problem and reports per-epoch records and a test score', async () => {
    const result = await new Trainer(options({ epochs: 8 })).fit();
    expect(result.epochs).toHaveLength(8);
    expect(result.totalSteps).toBe(8 * 8);
    expect(result.skippedSteps).toBe(0);
    expect(result.epochs[7]!.metrics['loss']!).toBeLessThan(result.epochs[0]!.metrics['loss']!);
    expect(result.test!['accuracy']!).toBeGreaterThan(0.6);
    expect(result.epochs[0]!.metrics).toHaveProperty('val_accuracy');
  });

  it('reports the progress of every evaluation pass, batch by batch', async () => {
    const seen: string[] = [];
    await new Trainer(options({ epochs: 2, evalBatchSize: 10, onEvaluationProgress: (split, done, total) => seen.push(`${split} ${done}/${total}`) })).fit();
    const data = options().data;
    const val = data.validation!.count;
    const test = data.test!.count;
    // Each epoch's validation pass, then the test pass, each ending at the split's size.
    expect(seen.filter((s) => s === `validation ${val}/${val}`)).toHaveLength(2);
    expect(seen[seen.length - 1]).toBe(`test ${test}/${test}`);
    expect(seen.filter((s) => s.startsWith('test '))).toHaveLength(Math.ceil(test / 10));
    expect(seen[0]).toBe(`validation ${Math.min(10, val)}/${val}`);
  });

  it('with testEveryEpoch, records each epoch\'s test score outside the timed steps, the same weights and decisions as without', async () => {
    const plain = await new Trainer(options()).fit();
    const tested = await new Trainer(options({ testEveryEpoch: true })).fit();
    for (const [i, e] of tested.epochs.entries()) {
      expect(e.metrics['test_accuracy']).toBeGreaterThanOrEqual(0);
      expect(e.metrics['loss']).toBe(plain.epochs[i]!.metrics['loss']);
      expect(plain.epochs[i]!.metrics).not.toHaveProperty('test_accuracy');
    }
    // The last epoch's test score is the final one: evaluation changes nothing.
    expect(tested.epochs[tested.epochs.length - 1]!.metrics['test_accuracy']).toBe(tested.test!['accuracy']);
  });

  it('trainStep from a cached prefix (fromStage) is the same step as from the input', async () => {
    // Dense → ReLU → dense: the first dense layer (depth 0) frozen; stages 0–1 are the cacheable prefix.
    const plan = { groups: FULL_UPDATE.groups, freezeBelowDepth: 1 };
    const [oa, ob] = [options(), options()];
    const [a, b] = [new Trainer(oa), new Trainer(ob)];
    const model = oa.model;
    const batch = [...options().data.train.batches({ batchSize: 32 })][0]!;
    const prefix = model.stages!.frozenPrefix(1);
    expect(prefix).toBe(2);
    const h = model.stages!.forwardRange(batch.x, 0, prefix, false);
    const fromInput = a.trainStep(batch.x, batch.y, plan);
    const fromCache = b.trainStep(h, batch.y, plan, prefix);
    expect(fromCache.lossSum.dataSync()[0]).toBeCloseTo(fromInput.lossSum.dataSync()[0]!, 5);
    const weights = (o: TrainerOptions) => o.model.parameters.map((p) => [...p.variable.dataSync()]);
    expect(weights(ob)).toEqual(weights(oa));
  });

  it('is reproducible: same seed, same data order and initialisation → identical results', async () => {
    const a = await new Trainer(options()).fit();
    const b = await new Trainer(options()).fit();
    expect(b.epochs.map((e) => e.metrics)).toEqual(a.epochs.map((e) => e.metrics));
    const c = await new Trainer(options({ seed: 12 })).fit();
    expect(c.epochs.map((e) => e.metrics)).not.toEqual(a.epochs.map((e) => e.metrics));
  });

  it('seeds each training pass from the run seed and the step (dropout masks), never evaluation passes', async () => {
    const seen: (number | undefined)[] = [];
    const spy: nn.LayerSpec = {
      type: 'spy',
      parameterised: false,
      build: (ctx) => ({
        name: ctx.name, parameters: [], state: [], outputShape: ctx.inputShape, kernels: [],
        apply: (x, training, forward) => {
          if (training) seen.push(forward?.seed);
          return x;
        },
      }),
    };
    const model = nn.sequential({ name: 'spied', inputShape: [8], numClasses: 4, seed: 1, layers: [spy, nn.dropout({ rate: 0.3 }), nn.dense({ units: 4 })] });
    const a = await new Trainer(options({ model, epochs: 2 })).fit();
    expect(seen).toEqual(Array.from({ length: 16 }, (_, step) => deriveSeed(11, 'forward', step)));
    // With dropout in the model, a second trainer with the same seed reproduces every number.
    const again = nn.sequential({ name: 'spied', inputShape: [8], numClasses: 4, seed: 1, layers: [spy, nn.dropout({ rate: 0.3 }), nn.dense({ units: 4 })] });
    const b = await new Trainer(options({ model: again, epochs: 2 })).fit();
    expect(b.epochs.map((e) => e.metrics)).toEqual(a.epochs.map((e) => e.metrics));
  });

  it('emits events in order and counts skipped steps from the plans it executed', async () => {
    const events: string[] = [];
    const policy: SkipPolicy = {
      description: 'odd epochs skip',
      plan: (ctx) => (ctx.epoch % 2 === 1 ? skipWeights() : FULL_UPDATE),
      onEvaluation: (_ctx, ev) => void events.push(`eval${ev.epoch}:${ev.fullyUpdated}`),
    };
    const recorder: Callback = {
      name: 'recorder',
      onTrainBegin: () => void events.push('begin'),
      onEpochBegin: (ctx) => void events.push(`epoch${ctx.epoch}`),
      onEpochEnd: (_ctx, rec) => void events.push(`end${rec.epoch}:${rec.skippedSteps}/${rec.steps}`),
      onTrainEnd: () => void events.push('done'),
    };
    const result = await new Trainer(options({ policy, callbacks: [recorder] })).fit();
    expect(events).toEqual(['begin', 'epoch0', 'eval0:true', 'end0:0/8', 'epoch1', 'eval1:false', 'end1:8/8', 'epoch2', 'eval2:true', 'end2:0/8', 'done']);
    expect(result.skippedSteps).toBe(8);
  });

  it('stops early when a callback asks', async () => {
    const stopper: Callback = { name: 'stop', shouldStop: () => true };
    const result = await new Trainer(options({ callbacks: [stopper] })).fit();
    expect(result.epochs).toHaveLength(1);
    expect(result.stoppedEarly).toBe(true);
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => new Trainer(options({ epochs: 0 }))).toThrow(ConfigError);
    expect(() => new Trainer(options({ lr: -1 }))).toThrow(/learning rate/);
    expect(() => new Trainer(options({ batchSize: 10_000 }))).toThrow(/exceeds the 256 training samples/);
  });
});

describe('the training loop and the event loop', () => {
  it('yields between steps: a timer fires within an epoch, not only at its end', async () => {
    const model = nn.sequential({ name: 'tiny', inputShape: [4], numClasses: 2, seed: 1, layers: [nn.dense({ units: 2 })] });
    const data = toyDataset({ count: 64, sampleShape: [4], numClasses: 2, seed: 2 });
    let ticks = 0;
    const timer = setInterval(() => void ticks++, 0);
    const stepsSeenByTimer: number[] = [];
    const trainer = new Trainer({
      model,
      data,
      optimizer: new Sgd(),
      policy: { description: 'never', plan: () => FULL_UPDATE, onStepEnd: () => void stepsSeenByTimer.push(ticks) },
      epochs: 1,
      batchSize: 4,
      lr: 0.1,
      seed: 1,
    });
    await trainer.fit();
    clearInterval(timer);
    model.dispose();
    // 16 steps in one epoch: the timer ran between them, so later steps saw more ticks than the first.
    expect(stepsSeenByTimer).toHaveLength(16);
    expect(stepsSeenByTimer[15]!).toBeGreaterThan(stepsSeenByTimer[0]!);
  });

  it('yields between evaluation batches: a timer fires within a pass over a split', async () => {
    const model = nn.sequential({ name: 'tiny', inputShape: [4], numClasses: 2, seed: 1, layers: [nn.dense({ units: 2 })] });
    const data = toyDataset({ count: 64, sampleShape: [4], numClasses: 2, seed: 2 });
    let ticks = 0;
    const timer = setInterval(() => void ticks++, 0);
    const seen: number[] = [];
    const trainer = new Trainer({ model, data, optimizer: new Sgd(), policy: { description: 'never', plan: () => FULL_UPDATE }, epochs: 1, batchSize: 4, lr: 0.1, seed: 1, evalBatchSize: 8, onEvaluationProgress: () => void seen.push(ticks) });
    await trainer.evaluate(data.train);
    clearInterval(timer);
    model.dispose();
    expect(seen).toHaveLength(8);
    expect(seen[7]!).toBeGreaterThan(seen[0]!);
  });
});

describe('divergence', () => {
  it('stops with a TrainingError that says what to do when the loss stops being finite', async () => {
    const model = nn.sequential({ name: 'tiny', inputShape: [4], numClasses: 2, seed: 1, layers: [nn.dense({ units: 8 }), nn.relu(), nn.dense({ units: 2 })] });
    const data = toyDataset({ count: 64, sampleShape: [4], numClasses: 2, seed: 2 });
    const trainer = new Trainer({ model, data, optimizer: new Sgd({ momentum: 0.9 }), policy: { description: 'never', plan: () => FULL_UPDATE }, epochs: 3, batchSize: 8, lr: 1e30, seed: 1 });
    const error = await trainer.fit().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    expect((error as Error).message).toMatch(/^training loss became (NaN|Infinity) in epoch 1; lower the learning rate$/);
    model.dispose();
  });
});
