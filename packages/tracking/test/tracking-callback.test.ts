import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ListenerList,
  type Callback,
  type EpochRecord,
  type TrainingContext,
  type TrainResult,
} from '@wus/core';
import { describe, expect, it } from 'vitest';
import { LocalRunStore, TrackingCallback, epochMetricPoints, metricPointId } from '../src/index.js';
import { fakeClock, tempRoot } from './helpers.js';

function epoch(i: number, over: Partial<EpochRecord> = {}): EpochRecord {
  return {
    epoch: i,
    metrics: { loss: 1 / (i + 1), accuracy: 0.5 + i / 10, val_loss: 1.2 / (i + 1), val_accuracy: 0.45 + i / 10 },
    fullyUpdated: i !== 1,
    steps: 10,
    skippedSteps: i === 1 ? 10 : 0,
    lr: 0.1 / (i + 1),
    trainTimeMs: 1500 + i,
    epochTimeMs: 2000 + i,
    compute: { forward: 3e9, dX: 2e9, dW: 1e9 },
    plans: {},
    frozenFraction: 0.25,
    signals: {},
    layerChange: {},
    ...over,
  };
}

const ctx = {} as TrainingContext; // the callback does not read the context

function series(d: Awaited<ReturnType<LocalRunStore['getRun']>>): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const [k, pts] of Object.entries(d.metrics)) out[k] = pts.map((p) => [p.step, p.value]);
  return out;
}

describe('TrackingCallback', () => {
  it('on a resumed run, logs none of the points the run already holds: every (key, step) once', async () => {
    const store = new LocalRunStore({ root: join(await tempRoot(), 'runs'), now: fakeClock() });
    const run = await store.startRun({ name: 'wus', experiment: 'mnist' });
    // The stopped process had logged epoch 1 after its last checkpoint (epoch 0's end).
    await run.logMetrics([...epochMetricPoints(epoch(0)), ...epochMetricPoints(epoch(1, { epochTimeMs: 111 }))]);
    const held = Object.values((await store.getRun(run.id)).metrics).flat().map((p) => metricPointId(p.key, p.step));
    const cb = new TrackingCallback(run, { alreadyLogged: new Set(held), learningCurve: false, endRunOnTrainEnd: false });
    await cb.onEpochEnd(ctx, epoch(1)); // redone after the resume
    await cb.onEpochEnd(ctx, epoch(2));
    const d = await store.getRun(run.id);
    const lines = (await readFile(join(store.root, 'mnist', run.id, 'metrics.jsonl'), 'utf8'))
      .trim().split('\n').map((l) => JSON.parse(l) as { key: string; step: number });
    const ids = lines.map((l) => metricPointId(l.key, l.step));
    expect(new Set(ids).size).toBe(ids.length);
    expect(d.metrics['epoch_time_s']!.map((p) => [p.step, p.value])).toEqual([[1, 2], [2, 0.111], [3, 2.002]]);
  });

  it('logs the exact per-epoch and final metric series and ends the run FINISHED', async () => {
    const store = new LocalRunStore({ root: join(await tempRoot(), 'runs'), now: fakeClock() });
    const run = await store.startRun({ name: 'wus', experiment: 'mnist' });
    const cb: Callback = new TrackingCallback(run);
    expect(cb.name).toBe('tracking');

    const epochs = [epoch(0), epoch(1), epoch(2)];
    const result: TrainResult = {
      epochs,
      test: { loss: 0.33, accuracy: 0.91 },
      totalSteps: 30,
      skippedSteps: 10,
      wallTimeMs: 7000,
      trainTimeMs: 4503,
      compute: { forward: 9e9, dX: 6e9, dW: 3e9 },
      stoppedEarly: false,
    };
    // Drive it through core's own event fan-out, as the trainer does.
    const listeners = new ListenerList([cb]);
    await listeners.emit('onTrainBegin', ctx);
    for (const e of epochs) {
      await listeners.emit('onEpochBegin', ctx);
      await listeners.emit('onEvaluation', ctx, e);
      await listeners.emit('onEpochEnd', ctx, e);
    }
    await listeners.emit('onTrainEnd', ctx, result);

    const d = await store.getRun(run.id);
    expect(d.info.status).toBe('FINISHED');
    expect(d.issues).toEqual([]);
    expect(series(d)).toEqual({
      // per epoch, step = epoch number (from 1)
      loss: [
        [1, 1],
        [2, 0.5],
        [3, 1 / 3],
      ],
      accuracy: [
        [1, 0.5],
        [2, 0.5 + 1 / 10],
        [3, 0.5 + 2 / 10],
      ],
      val_loss: [
        [1, 1.2],
        [2, 1.2 / 2],
        [3, 1.2 / 3],
      ],
      val_accuracy: [
        [1, 0.45],
        [2, 0.45 + 1 / 10],
        [3, 0.45 + 2 / 10],
      ],
      epoch_time_s: [
        [1, 2],
        [2, 2.001],
        [3, 2.002],
      ],
      epoch_train_time_s: [
        [1, 1.5],
        [2, 1.501],
        [3, 1.502],
      ],
      epoch_skipped_fraction: [
        [1, 0],
        [2, 1],
        [3, 0],
      ],
      epoch_frozen_fraction: [
        [1, 0.25],
        [2, 0.25],
        [3, 0.25],
      ],
      lr: [
        [1, 0.1],
        [2, 0.05],
        [3, 0.1 / 3],
      ],
      // executed compute, in GFLOP, per kind (the fixture's 3e9 + 2e9 + 1e9 each epoch)
      epoch_gflops: [
        [1, 6],
        [2, 6],
        [3, 6],
      ],
      epoch_gflops_forward: [
        [1, 3],
        [2, 3],
        [3, 3],
      ],
      epoch_gflops_dx: [
        [1, 2],
        [2, 2],
        [3, 2],
      ],
      epoch_gflops_dw: [
        [1, 1],
        [2, 1],
        [3, 1],
      ],
      // final, step = number of epochs run (the last epoch's step)
      test_loss: [[3, 0.33]],
      test_accuracy: [[3, 0.91]],
      wall_time_s: [[3, 7]],
      train_time_s: [[3, 4.503]],
      gflops: [[3, 18]],
      total_steps: [[3, 30]],
      skipped_steps: [[3, 10]],
      skipped_fraction: [[3, 1 / 3]],
      stopped_early: [[3, 0]],
    });

    // The learning curve is stored with the run (skip window of epoch 1 shaded).
    expect(d.artifacts.map((a) => a.name)).toEqual(['plots/learning-curve.svg']);
    const svg = (await store.readArtifact(run.id, 'plots/learning-curve.svg')).toString();
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('1 of 3');

    // The app's failure path after a successful end is harmless.
    await run.end('FAILED');
    expect((await store.getRun(run.id)).info.status).toBe('FINISHED');
  });

  it('handles no test set, early stop, zero-step epochs, and leaves the run open on request', async () => {
    const store = new LocalRunStore({ root: join(await tempRoot(), 'runs'), now: fakeClock() });
    const run = await store.startRun({ name: 'r', experiment: 'e' });
    const cb = new TrackingCallback(run, { endRunOnTrainEnd: false });
    const e0 = epoch(0, { steps: 0, skippedSteps: 0, metrics: { loss: Number.NaN } });
    await cb.onEpochEnd(ctx, e0);
    await cb.onTrainEnd(ctx, {
      epochs: [e0],
      test: undefined,
      totalSteps: 0,
      skippedSteps: 0,
      wallTimeMs: 10,
      trainTimeMs: 0,
      compute: { forward: 0, dX: 0, dW: 0 },
      stoppedEarly: true,
    });
    let d = await store.getRun(run.id);
    expect(d.info.status).toBe('RUNNING');
    expect(Object.keys(d.metrics).filter((k) => k.startsWith('test_'))).toEqual([]);
    expect(d.latestMetrics['loss']).toBeNaN();
    expect(d.latestMetrics['epoch_skipped_fraction']).toBe(0);
    expect(d.latestMetrics['skipped_fraction']).toBe(0);
    expect(d.latestMetrics['stopped_early']).toBe(1);
    await run.end('KILLED');
    d = await store.getRun(run.id);
    expect(d.info.status).toBe('KILLED');
  });
});

describe('per-epoch points', () => {
  it("carry the policy's signals and the per-layer weight change", () => {
    const points = epochMetricPoints(epoch(4, { signals: { 'wus.delta': 0.001 }, layerChange: { conv2d_1: 0.25, 'basic_block_1/conv2d_1': 0.5 } }));
    const at = (key: string) => points.filter((p) => p.key === key).map((p) => [p.step, p.value]);
    // the fifth epoch (index 4) is step 5
    expect(at('policy.wus.delta')).toEqual([[5, 0.001]]);
    expect(at('layer_change.conv2d_1')).toEqual([[5, 0.25]]);
    expect(at('layer_change.basic_block_1/conv2d_1')).toEqual([[5, 0.5]]);
  });
});
