import {
  ConfigError,
  FULL_UPDATE,
  parseOptions,
  skipWeights,
  type EvaluationRecord,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { describeWus, resolveWusOptions, wusOptionsSchema, type WusOptions } from './options.js';

/** A decided skip window, in the trainer's coordinates. */
interface Window {
  readonly plan: UpdatePlan;
  readonly index: number;
  readonly streak: number;
  readonly startEpoch: number;
  /** Last epoch the window touches (inclusive). */
  readonly lastEpoch: number;
}

/**
 * Weight Update Skipping (arXiv 2012.02792), as read in ARCHITECTURE.md.
 *
 * All decisions are taken in `onEvaluation` for the epochs that follow; `plan` only looks the
 * current step up in the decided window. The state machine is driven by what really ran
 * (`evaluation.fullyUpdated`), not by what this policy planned, so wrappers that override a
 * window (warmup, cap, any/all) keep it consistent:
 *
 * - Δ compares the monitored metric of a fully-updated evaluation with that of the previous
 *   fully-updated evaluation; evaluations of epochs where any step skipped weights are ignored.
 * - A window for epoch t+1 starts when, at the evaluation of epoch t: it is fully updated, Δ is
 *   defined and Δ < threshold (strict), t+1 ≥ warmupEpochs, at least minFullEpochs fully-updated
 *   evaluations followed the last epoch that skipped weights, no decided window covers t+1 yet,
 *   and the streak stays within maxConsecutiveWindows.
 * - streak: a window decided exactly minFullEpochs epochs after the last epoch of the previous
 *   window (the earliest moment allowed) continues that window's streak; any later one is a fresh
 *   plateau (streak 1). A window refused by maxConsecutiveWindows therefore needs at least one
 *   extra full epoch, after which it starts a fresh streak.
 */
export class WusPolicy implements SkipPolicy {
  readonly description: string;
  private lastFull: number | undefined;
  /** Fully-updated evaluations since the last one where weights were skipped (∞: none yet). */
  private fullSinceSkip = Number.POSITIVE_INFINITY;
  private windowCount = 0;
  private window: Window | undefined;
  private delta: number | undefined;

  constructor(readonly options: WusOptions) {
    this.description = describeWus(options);
  }

  /** Δ measured at the latest fully-updated evaluation that had a predecessor; for logging. */
  get lastDelta(): number | undefined {
    return this.delta;
  }

  /** Windows decided so far. */
  get windows(): number {
    return this.windowCount;
  }

  plan(ctx: TrainingContext): UpdatePlan {
    const w = this.window;
    if (w === undefined || ctx.epoch < w.startEpoch || ctx.epoch > w.lastEpoch) return FULL_UPDATE;
    if (this.options.window.unit === 'epochs') return w.plan;
    const offset = (ctx.epoch - w.startEpoch) * ctx.stepsPerEpoch + ctx.stepInEpoch;
    return offset < this.options.window.length ? w.plan : FULL_UPDATE;
  }

  onTrainBegin(): void {
    this.lastFull = undefined;
    this.fullSinceSkip = Number.POSITIVE_INFINITY;
    this.windowCount = 0;
    this.window = undefined;
    this.delta = undefined;
  }

  onEvaluation(ctx: TrainingContext, ev: EvaluationRecord): void {
    const o = this.options;
    const value = this.monitored(ev);
    if (!ev.fullyUpdated) {
      this.fullSinceSkip = 0;
      return;
    }
    this.fullSinceSkip += 1;
    const previous = this.lastFull;
    this.lastFull = value;
    if (previous === undefined) return;
    const delta = o.mode === 'absolute' ? Math.abs(value - previous) : Math.abs(value - previous) / Math.abs(previous);
    this.delta = delta;

    const next = ev.epoch + 1;
    const w = this.window;
    // A wrapper ran part of a multi-epoch window as full updates: the window still stands.
    if (w !== undefined && w.lastEpoch >= next) return;
    // NaN (e.g. relative mode with previous = 0) never triggers: `<` is false.
    if (!(delta < o.threshold)) return;
    if (next < o.warmupEpochs || this.fullSinceSkip < o.minFullEpochs) return;

    const streak = w !== undefined && ev.epoch - w.lastEpoch === o.minFullEpochs ? w.streak + 1 : 1;
    if (streak > o.maxConsecutiveWindows) return;

    const index = this.windowCount++;
    const span = o.window.unit === 'epochs' ? o.window.length : Math.ceil(o.window.length / ctx.stepsPerEpoch);
    this.window = { plan: skipWeights({ index, streak }), index, streak, startEpoch: next, lastEpoch: next + span - 1 };
  }

  private monitored(ev: EvaluationRecord): number {
    const value = ev.metrics[this.options.monitor];
    if (value === undefined) {
      const known = Object.keys(ev.metrics);
      throw new ConfigError(
        `wus: monitored metric "${this.options.monitor}" is missing from the evaluation of epoch ${ev.epoch}; ` +
          `available: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
          'Set the "monitor" option to one of them (val_* metrics need a validation split).',
      );
    }
    return value;
  }
}

export const wusPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'wus',
  description:
    'Weight Update Skipping: when the monitored accuracy varies by less than a threshold between full epochs, the next window updates biases only',
  create(options) {
    return new WusPolicy(resolveWusOptions(parseOptions('skip-policy "wus"', wusOptionsSchema, options)));
  },
};
