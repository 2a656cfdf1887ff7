import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import type { Callback } from '../callbacks/callback.js';
import type { TrainerCheckpoint } from '../checkpoint/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint/codec.js';
import { stateObject, type PluginState, type Stateful } from '../checkpoint/stateful.js';
import { CheckpointError, ConfigError, InterruptedError, StopSignal } from '../errors/errors.js';
import type { EpochRecord, TrainResult } from '../events/records.js';
import { Adam } from '../optim/adam.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Sgd } from '../optim/sgd.js';
import { FULL_UPDATE, skipWeights, type UpdatePlan } from '../plan/update-plan.js';
import type { SkipPolicy } from '../policy/skip-policy.js';
import { toyDataset } from '../testing/array-split.js';
import { tinyConvNet } from '../testing/tiny-convnet.js';
import { Trainer, type TrainerOptions } from './trainer.js';

/**
 * A policy whose plans depend on what it heard: every fifth step it skips weights, and after
 * its first evaluation it freezes the front (conv + BN: a cached prefix). Resumed without its
 * state it would decide differently, and the weights would differ.
 */
class CountingPolicy implements SkipPolicy, Stateful {
  readonly description = 'counting';
  steps = 0;
  evaluations = 0;
  plan(): UpdatePlan {
    if (this.steps % 5 === 4) return skipWeights();
    return this.evaluations === 1 ? { groups: FULL_UPDATE.groups, freezeBelowDepth: 2 } : FULL_UPDATE;
  }
  onTrainBegin(): void {
    this.steps = 0;
    this.evaluations = 0;
  }
  onStepEnd(): void {
    this.steps++;
  }
  onEvaluation(): void {
    this.evaluations++;
  }
  state(): PluginState {
    return { steps: this.steps, evaluations: this.evaluations };
  }
  restore(state: PluginState): void {
    const s = stateObject(state, 'counting');
    this.steps = s['steps'] as number;
    this.evaluations = s['evaluations'] as number;
  }
}

const data = toyDataset({ count: 192, sampleShape: [8, 8, 2], numClasses: 3, seed: 3 });

function options(optimizer: () => Optimizer, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return { model: tinyConvNet(7), data, optimizer: optimizer(), policy: new CountingPolicy(), epochs: 4, batchSize: 16, lr: 0.05, seed: 9, ...extra };
}

const weightsOf = (o: TrainerOptions) => [...o.model.parameters.map((p) => p.variable), ...(o.model.state ?? [])].map((v) => Array.from(v.dataSync()));

/** What must not depend on where training stopped (times do). */
const comparable = (e: EpochRecord) => ({ metrics: e.metrics, steps: e.steps, skipped: e.skippedSteps, plans: e.plans, compute: e.compute, lr: e.lr, layerChange: e.layerChange, frozen: e.frozenFraction });

/** Runs a trainer whole, keeping every checkpoint it writes (through the file codec). */
async function reference(optimizer: () => Optimizer) {
  const written: TrainerCheckpoint[] = [];
  const o = options(optimizer, { checkpoints: { everySteps: 5, write: async (c) => void written.push(decodeCheckpoint(encodeCheckpoint(c), 'memory')) } });
  const result = await new Trainer(o).fit();
  return { result, weights: weightsOf(o), written };
}

async function resumeFrom(optimizer: () => Optimizer, c: TrainerCheckpoint): Promise<{ result: TrainResult; weights: number[][] }> {
  const o = options(optimizer);
  const trainer = new Trainer(o);
  await trainer.resume(c);
  while (!trainer.done) await trainer.trainEpoch();
  const result = await trainer.end();
  return { result, weights: weightsOf(o) };
}

describe('Trainer checkpoints and resume', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  for (const [name, optimizer] of [
    ['SGD with momentum', () => new Sgd({ momentum: 0.9, weightDecay: 1e-4 })],
    ['Adam', () => new Adam()],
  ] as const) {
    it(`${name}: resuming from any checkpoint (mid-epoch, epoch end, cached prefix) gives bit-identical weights and history`, async () => {
      const ref = await reference(optimizer);
      // Every 5 steps (12 steps per epoch) and every epoch end, then the final one.
      expect(ref.written.filter((c) => c.position.stepInEpoch > 0).length).toBeGreaterThanOrEqual(8);
      expect(ref.written.filter((c) => c.position.stepInEpoch === 0 && c.result === null)).toHaveLength(4);
      expect(ref.written.at(-1)!.result).not.toBeNull();
      // Epoch 2 freezes the front: its checkpoints resume into a rebuilt prefix cache.
      const picks = [ref.written[1]!, ref.written.find((c) => c.position.epochsDone === 1 && c.position.stepInEpoch === 0)!, ...ref.written.filter((c) => c.position.epochsDone === 1 && c.position.stepInEpoch > 0)];
      for (const c of picks) {
        const resumed = await resumeFrom(optimizer, c);
        expect(resumed.weights, `resumed from ${JSON.stringify(c.position)}`).toEqual(ref.weights);
        expect(resumed.result.epochs.map(comparable)).toEqual(ref.result.epochs.map(comparable));
        expect(resumed.result.test).toEqual(ref.result.test);
        expect(resumed.result.totalSteps).toBe(ref.result.totalSteps);
      }
    });
  }

  it('a stop request writes a checkpoint after the current step; resuming it finishes as if nothing happened', async () => {
    const ref = await reference(() => new Sgd({ momentum: 0.9 }));
    const stop = new StopSignal();
    const written: TrainerCheckpoint[] = [];
    let steps = 0;
    const o = options(() => new Sgd({ momentum: 0.9 }), {
      stop,
      checkpoints: { write: async (c) => void written.push(decodeCheckpoint(encodeCheckpoint(c), 'memory')) },
      callbacks: [{ name: 'stopper', stateless: true, onStepEnd: () => void (++steps === 19 && stop.request('SIGINT')) } as Callback],
    });
    await expect(new Trainer(o).fit()).rejects.toThrow(InterruptedError);
    const last = written.at(-1)!;
    expect(last.position).toEqual({ epochsDone: 1, stepInEpoch: 7, step: 19 });
    const resumed = await resumeFrom(() => new Sgd({ momentum: 0.9 }), last);
    expect(resumed.weights).toEqual(ref.weights);
  });

  it('a checkpoint written after training ended resumes done, with its result, and replays onTrainEnd', async () => {
    const ref = await reference(() => new Sgd());
    const final = ref.written.at(-1)!;
    const ended: TrainResult[] = [];
    const o = options(() => new Sgd(), { callbacks: [{ name: 'listener', stateless: true, onTrainEnd: (_c: unknown, r: TrainResult) => void ended.push(r) } as Callback] });
    const trainer = new Trainer(o);
    await trainer.resume(final);
    expect(trainer.done).toBe(true);
    const result = await trainer.end();
    expect(result.test).toEqual(ref.result.test);
    expect(ended).toHaveLength(1);
    expect(weightsOf(o)).toEqual(ref.weights);
  });

  it('refuses a listener that hears events but cannot save its state, naming it', async () => {
    const ref = await reference(() => new Sgd());
    const forgetful = { name: 'forgetful', onEpochEnd: () => undefined };
    const trainer = new Trainer(options(() => new Sgd(), { callbacks: [forgetful] }));
    await expect(trainer.resume(ref.written[2]!)).rejects.toThrow(/callback "forgetful" listens to training events but has no state\(\)\/restore\(\)/);
    await expect(new Trainer(options(() => new Sgd(), { callbacks: [forgetful] })).resume(ref.written[2]!)).rejects.toThrow(ConfigError);
  });

  it('refuses a checkpoint of another model', async () => {
    const ref = await reference(() => new Sgd());
    const c = ref.written[2]!;
    const other = { ...c, model: { ...c.model, parameters: c.model.parameters.map((p, i) => (i === 0 ? { ...p, shape: [3, 3, 2, 5] } : p)) } };
    const err = await new Trainer(options(() => new Sgd())).resume(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).reason).toBe('mismatch');
    expect((err as Error).message).toMatch(/first difference: conv2d_1\/kernel\[3×3×2×5\] vs conv2d_1\/kernel\[3×3×2×4\]/);
  });
});

describe('checkpoint codec', () => {
  const sample = (): TrainerCheckpoint => ({
    format: 'wus-checkpoint/1',
    position: { epochsDone: 1, stepInEpoch: 3, step: 15 },
    model: { name: 'm', parameters: [{ name: 'w', shape: [2] }] },
    trainer: { scheduleFactor: 1, trainTimeMs: 5, wallTimeMs: 6, stopped: false, history: [], evaluations: [], partial: null },
    optimizer: { w: 3 },
    listeners: { policy: { best: Number.NEGATIVE_INFINITY, nan: Number.NaN, weights: [new Float32Array([1.5, -2])] } },
    tensors: { 'param/w': { shape: [2], values: new Float32Array([0.25, Number.NaN]) }, 'state/0': { shape: [1], values: new Int32Array([-7]) } },
    result: null,
    app: { config: { lr: 0.1 } },
  });

  it('round-trips tensors, non-finite numbers and arrays inside listener state', () => {
    const back = decodeCheckpoint(encodeCheckpoint(sample()), 'x');
    expect(back.listeners).toEqual(sample().listeners);
    expect((back.listeners['policy'] as { weights: Float32Array[] }).weights[0]).toBeInstanceOf(Float32Array);
    expect(back.tensors['param/w']!.values).toEqual(new Float32Array([0.25, Number.NaN]));
    expect(back.tensors['state/0']!.values).toBeInstanceOf(Int32Array);
    expect(Object.keys(back.tensors)).toEqual(['param/w', 'state/0']);
    expect(back.app).toEqual({ config: { lr: 0.1 } });
  });

  it('names a truncated, damaged or foreign file as corrupt', () => {
    const bytes = encodeCheckpoint(sample());
    const flipped = new Uint8Array(bytes);
    flipped[40] = flipped[40]! ^ 1;
    for (const [bad, why] of [
      [bytes.subarray(0, bytes.length - 10), /ckpt-3 is damaged or truncated/],
      [flipped, /ckpt-3 is damaged or truncated/],
      [new Uint8Array(Buffer.from('{"not":"a checkpoint"}')), /ckpt-3 is not a wus checkpoint/],
      [bytes.subarray(0, 5), /ckpt-3 is not a wus checkpoint/],
    ] as const) {
      const err = (() => {
        try {
          decodeCheckpoint(bad, 'ckpt-3');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).reason).toBe('corrupt');
      expect((err as Error).message).toMatch(why);
    }
  });

  it('leaves no tensor behind when resuming', async () => {
    await selectBackend('cpu');
    const ref = await reference(() => new Adam());
    const before = tf.memory().numTensors;
    const o = options(() => new Adam());
    const t = new Trainer(o);
    await t.resume(ref.written[3]!);
    while (!t.done) await t.trainEpoch();
    await t.end();
    o.model.dispose();
    o.optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
