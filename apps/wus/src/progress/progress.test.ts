import type { EpochRecord, StepRecord, TrainResult, TrainingContext } from '@wus/core';
import { describe, expect, it } from 'vitest';
import type { Output } from '../container.js';
import { EvaluationProgress, HEARTBEAT_MS } from './evaluation-progress.js';
import { ProgressCallback } from './progress-callback.js';
import { ProgressClock, formatDuration } from './progress-clock.js';

/** A clock the test moves by hand. */
function fakeTime() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function logs(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => void lines.push(t), err: (t) => void lines.push(t), interactive: false };
}

const ctx = (epoch: number) => ({ epoch, epochs: 2, stepsPerEpoch: 100 }) as TrainingContext;
const step = (epoch: number, stepInEpoch: number) => ({ epoch, step: epoch * 100 + stepInEpoch, stepInEpoch, skippedWeights: false, lr: 0.05 }) as StepRecord;
const epochRecord = (epoch: number) =>
  ({ epoch, metrics: { loss: 0.5, accuracy: 0.8, val_accuracy: 0.79 }, trainTimeMs: 60_000, lr: 0.05, plans: { full: 100 }, signals: {}, steps: 100 }) as unknown as EpochRecord;

describe('progress: k/n, elapsed and ETA on stderr', () => {
  it('formats durations as people read them', () => {
    expect([formatDuration(4_400), formatDuration(72_000), formatDuration(3_780_000)]).toEqual(['4 s', '1 min 12 s', '1 h 03 min']);
  });

  it('the clock starts with the first unit and extrapolates the pace so far', () => {
    const time = fakeTime();
    const clock = new ProgressClock(4, time.now);
    time.advance(50_000); // data loading and warm-up do not count
    clock.begin();
    time.advance(30_000);
    expect(clock.tick('epochs')).toBe('1/4 epochs, 30 s elapsed, ETA 1 min 30 s');
    time.advance(30_000);
    expect(clock.tick('epochs')).toBe('2/4 epochs, 1 min 00 s elapsed, ETA 1 min 00 s');
    clock.tick('epochs');
    expect(clock.tick('epochs')).toMatch(/^4\/4 epochs, .* elapsed, done$/);
  });

  it('in logs: an epoch line with the run’s progress, a line every heartbeat inside a long epoch, the test accuracy', async () => {
    const time = fakeTime();
    const out = logs();
    const progress = new ProgressCallback('wus', out, new ProgressClock(4, time.now), time.now);
    progress.onEpochBegin(ctx(0));
    for (let k = 0; k < 100; k++) {
      time.advance(1_000);
      progress.onStepEnd(ctx(0), step(0, k));
    }
    // 100 s of steps: a line at 30, 60 and 90 s, each with the epoch's ETA.
    expect(out.lines).toEqual([
      'wus epoch 1/2: 30/100 steps, 30 s elapsed, ETA 1 min 10 s',
      'wus epoch 1/2: 60/100 steps, 1 min 00 s elapsed, ETA 40 s',
      'wus epoch 1/2: 90/100 steps, 1 min 30 s elapsed, ETA 10 s',
    ]);
    progress.onEpochEnd(ctx(0), epochRecord(0));
    expect(out.lines[3]).toMatch(/^wus epoch {2}1\/2 {2}loss 0\.5000 .* full {2}\[1\/4 epochs, 1 min 40 s elapsed, ETA 5 min 00 s\]$/);
    progress.onTrainEnd(ctx(1), { test: { accuracy: 0.9024, loss: 0.3 } } as unknown as TrainResult);
    expect(out.lines[4]).toBe('wus test accuracy 90.24 %');
  });

  it('an evaluation pass longer than a heartbeat gets k/n images, elapsed and ETA; a quick one nothing', () => {
    const time = fakeTime();
    const lines: string[] = [];
    const report = new EvaluationProgress('never', (t) => lines.push(t), time.now).report;
    for (let done = 1000; done <= 10_000; done += 1000) {
      time.advance(2_000);
      report('validation', done, 10_000);
    }
    expect(lines).toEqual([]);
    for (let done = 1000; done <= 10_000; done += 1000) {
      time.advance(10_000);
      report('test', done, 10_000);
    }
    // Measured from the first batch: 30 s for 3000 images, 6000 to go.
    expect(lines).toEqual(['never evaluating the test split: 4000/10000 images, 30 s elapsed, ETA 1 min 00 s', 'never evaluating the test split: 7000/10000 images, 1 min 00 s elapsed, ETA 30 s']);
    expect(HEARTBEAT_MS).toBe(30_000);
  });
});
