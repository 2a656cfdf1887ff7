import type { Callback, EpochRecord, TrainingContext, TrainResult } from '@wus/core';
import { epochStep } from './epochs.js';
import { LEARNING_CURVE_ARTIFACT, renderLearningCurveSvg } from './learning-curve.js';
import type { MetricPoint, RunHandle } from './tracker.js';

export interface TrackingCallbackOptions {
  /** End the run FINISHED after logging the final metrics (default true). */
  readonly endRunOnTrainEnd?: boolean;
  /**
   * Log the learning curve (train/validation accuracy and loss per epoch, skip windows shaded)
   * as `plots/learning-curve.svg` at train end (default true).
   */
  readonly learningCurve?: boolean;
  /**
   * Points the run already holds, as `metricPointId(key, step)` (a resumed run): they are not
   * logged again. A resumed run may redo work the stopped process had logged (the epoch after
   * its last checkpoint); the first record stands, so every (key, step) appears once, locally
   * and in MLflow.
   */
  readonly alreadyLogged?: ReadonlySet<string>;
}

/** Identity of a metric point for `alreadyLogged`. */
export const metricPointId = (key: string, step: number): string => `${step}\u0000${key}`;

/**
 * Per-epoch metric keys written besides the trainer's own (`loss`, `accuracy`, `val_loss`,
 * `val_accuracy`, …). Step = epoch number (from 1, see `epochStep`).
 */
export const EPOCH_METRIC_KEYS = {
  epochTime: 'epoch_time_s',
  trainTime: 'epoch_train_time_s',
  skippedFraction: 'epoch_skipped_fraction',
  /** Share of the model's parameters frozen, averaged over the epoch's steps (what windows froze). */
  frozenFraction: 'epoch_frozen_fraction',
  lr: 'lr',
  /** GFLOP executed by the epoch's training steps (kernel counts), in total and per kind. */
  gflops: 'epoch_gflops',
  gflopsForward: 'epoch_gflops_forward',
  gflopsDx: 'epoch_gflops_dx',
  gflopsDw: 'epoch_gflops_dw',
} as const;

/** Prefix of the policy's own per-epoch signals (`policy.wus.delta`, `policy.freeze.depth`). */
export const POLICY_SIGNAL_PREFIX = 'policy.';

/** Prefix of the per-layer relative weight change (`layer_change.conv2d_1`). */
export const LAYER_CHANGE_PREFIX = 'layer_change.';

/**
 * Final (whole-fit) metric keys, logged once at step = number of epochs run (the last epoch's
 * step). Test metrics are added as `test_<key>` at the same step.
 */
export const FINAL_METRIC_KEYS = {
  wallTime: 'wall_time_s',
  trainTime: 'train_time_s',
  gflops: 'gflops',
  totalSteps: 'total_steps',
  skippedSteps: 'skipped_steps',
  skippedFraction: 'skipped_fraction',
  stoppedEarly: 'stopped_early',
} as const;

/** The points logged for one epoch (exported so other trackers and tests share the mapping). */
export function epochMetricPoints(epoch: EpochRecord): MetricPoint[] {
  const step = epochStep(epoch);
  const points: MetricPoint[] = Object.entries(epoch.metrics).map(([key, value]) => ({ key, value, step }));
  points.push(
    { key: EPOCH_METRIC_KEYS.epochTime, value: epoch.epochTimeMs / 1000, step },
    { key: EPOCH_METRIC_KEYS.trainTime, value: epoch.trainTimeMs / 1000, step },
    { key: EPOCH_METRIC_KEYS.skippedFraction, value: fraction(epoch.skippedSteps, epoch.steps), step },
    { key: EPOCH_METRIC_KEYS.frozenFraction, value: epoch.frozenFraction, step },
    { key: EPOCH_METRIC_KEYS.lr, value: epoch.lr, step },
    { key: EPOCH_METRIC_KEYS.gflops, value: (epoch.compute.forward + epoch.compute.dX + epoch.compute.dW) / 1e9, step },
    { key: EPOCH_METRIC_KEYS.gflopsForward, value: epoch.compute.forward / 1e9, step },
    { key: EPOCH_METRIC_KEYS.gflopsDx, value: epoch.compute.dX / 1e9, step },
    { key: EPOCH_METRIC_KEYS.gflopsDw, value: epoch.compute.dW / 1e9, step },
    ...Object.entries(epoch.signals).map(([key, value]) => ({ key: `${POLICY_SIGNAL_PREFIX}${key}`, value, step })),
    ...Object.entries(epoch.layerChange).map(([layer, value]) => ({ key: `${LAYER_CHANGE_PREFIX}${layer}`, value, step })),
  );
  return points;
}

/** The points logged at the end of training. */
export function finalMetricPoints(result: TrainResult): MetricPoint[] {
  const step = result.epochs.length;
  const points: MetricPoint[] = Object.entries(result.test ?? {}).map(([key, value]) => ({
    key: `test_${key}`,
    value,
    step,
  }));
  points.push(
    { key: FINAL_METRIC_KEYS.wallTime, value: result.wallTimeMs / 1000, step },
    { key: FINAL_METRIC_KEYS.trainTime, value: result.trainTimeMs / 1000, step },
    { key: FINAL_METRIC_KEYS.gflops, value: (result.compute.forward + result.compute.dX + result.compute.dW) / 1e9, step },
    { key: FINAL_METRIC_KEYS.totalSteps, value: result.totalSteps, step },
    { key: FINAL_METRIC_KEYS.skippedSteps, value: result.skippedSteps, step },
    { key: FINAL_METRIC_KEYS.skippedFraction, value: fraction(result.skippedSteps, result.totalSteps), step },
    { key: FINAL_METRIC_KEYS.stoppedEarly, value: result.stoppedEarly ? 1 : 0, step },
  );
  return points;
}

function fraction(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/**
 * Logs a trial's training to its run: per-epoch metrics at each epoch end, final metrics and
 * the learning-curve plot at train end, then ends the run FINISHED. If training throws, the app ends the run FAILED
 * (`end` is idempotent, so doing it unconditionally in a `finally`/`catch` is safe).
 * A failure to log propagates and aborts training, as for any callback: metrics are never
 * silently lost.
 */
export class TrackingCallback implements Callback {
  readonly name = 'tracking';
  /** What it has logged lives in the run itself; a resumed run reads it from there (`alreadyLogged`). */
  readonly stateless = true;
  private readonly endRun: boolean;
  private readonly learningCurve: boolean;
  private readonly alreadyLogged: ReadonlySet<string>;

  constructor(
    readonly run: RunHandle,
    options: TrackingCallbackOptions = {},
  ) {
    this.endRun = options.endRunOnTrainEnd ?? true;
    this.learningCurve = options.learningCurve ?? true;
    this.alreadyLogged = options.alreadyLogged ?? new Set();
  }

  private async log(points: readonly MetricPoint[]): Promise<void> {
    await this.run.logMetrics(points.filter((p) => !this.alreadyLogged.has(metricPointId(p.key, p.step))));
  }

  async onEpochEnd(_ctx: TrainingContext, epoch: EpochRecord): Promise<void> {
    await this.log(epochMetricPoints(epoch));
  }

  async onTrainEnd(_ctx: TrainingContext, result: TrainResult): Promise<void> {
    await this.log(finalMetricPoints(result));
    if (this.learningCurve && result.epochs.length > 0) {
      // A plot is not worth a failed run: a rendering error is stored in its place.
      let svg: string;
      try {
        svg = await renderLearningCurveSvg(result.epochs);
      } catch (e) {
        svg = '';
        await this.run.logArtifact(`${LEARNING_CURVE_ARTIFACT}.error.txt`, `could not render the learning curve: ${(e as Error)?.stack ?? String(e)}\n`);
      }
      if (svg !== '') await this.run.logArtifact(LEARNING_CURVE_ARTIFACT, svg);
    }
    if (this.endRun) await this.run.end('FINISHED');
    else await this.run.flush();
  }
}
