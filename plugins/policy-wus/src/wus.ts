import {
  ConfigError,
  FULL_UPDATE,
  SKIP_WEIGHTS_GROUPS,
  depthForCostShare,
  parseOptions,
  skipWeights,
  stateObject,
  type EvaluationRecord,
  type PluginState,
  type Stateful,
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
 * - windowRule 'plateau': at the evaluation of a window's last epoch, Δ is re-measured against
 *   the evaluation before it (the cheap probe is the validation pass that runs anyway; no full
 *   epoch is forced). Δ < threshold extends the plateau by another window, with the next index
 *   and streak + 1 — so WUS+LR decays the LR for every epoch the plateau persists; otherwise the
 *   window ends and full updates resume, with the cooldown of minFullEpochs.
 * - scope 'front': a window freezes the front layers (from depth 0) whose forward cost stays
 *   within frontShare of the model's, entirely — no dW, no dX, cacheable — and trains the rest
 *   fully or bias-only. The depth is fixed at train begin from `ctx.model`.
 * - streak: a window decided exactly minFullEpochs epochs after the last epoch of the previous
 *   window (the earliest moment allowed) continues that window's streak; any later one is a fresh
 *   plateau (streak 1). A window refused by maxConsecutiveWindows therefore needs at least one
 *   extra full epoch, after which it starts a fresh streak.
 */
export class WusPolicy implements SkipPolicy, Stateful {
  readonly description: string;
  private lastFull: number | undefined;
  /** Fully-updated evaluations since the last one where weights were skipped (∞: none yet). */
  private fullSinceSkip = Number.POSITIVE_INFINITY;
  private windowCount = 0;
  private window: Window | undefined;
  private delta: number | undefined;
  /** Monitored value of the latest evaluation of any kind (plateau windows compare with it). */
  private lastAny: number | undefined;
  /** What a window runs, resolved for the model at train begin. */
  private windowPlan: Omit<UpdatePlan, 'window'> = skipWeights();

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

  signals(): Readonly<Record<string, number>> {
    return this.delta === undefined ? {} : { 'wus.delta': this.delta };
  }

  /** Everything decided so far; the window plan is not saved, `onTrainBegin` derives it again from the model. */
  state(): PluginState {
    const w = this.window;
    return {
      lastFull: this.lastFull ?? null,
      fullSinceSkip: this.fullSinceSkip,
      windowCount: this.windowCount,
      window: w === undefined ? null : { index: w.index, streak: w.streak, startEpoch: w.startEpoch, lastEpoch: w.lastEpoch },
      delta: this.delta ?? null,
      lastAny: this.lastAny ?? null,
    };
  }

  restore(state: PluginState): void {
    const s = stateObject(state, `skip policy "${this.description}"`);
    const num = (k: string) => (s[k] as number | null) ?? undefined;
    this.lastFull = num('lastFull');
    this.fullSinceSkip = s['fullSinceSkip'] as number;
    this.windowCount = s['windowCount'] as number;
    this.delta = num('delta');
    this.lastAny = num('lastAny');
    const w = s['window'] as Omit<Window, 'plan'> | null;
    this.window = w === null ? undefined : { ...w, plan: { ...this.windowPlan, window: { index: w.index, streak: w.streak } } };
  }

  onTrainBegin(ctx: TrainingContext): void {
    this.windowPlan = windowPlanFor(this.options, ctx);
    this.lastAny = undefined;
    this.lastFull = undefined;
    this.fullSinceSkip = Number.POSITIVE_INFINITY;
    this.windowCount = 0;
    this.window = undefined;
    this.delta = undefined;
  }

  onEvaluation(ctx: TrainingContext, ev: EvaluationRecord): void {
    const o = this.options;
    const value = this.monitored(ev);
    const previousAny = this.lastAny;
    this.lastAny = value;
    if (!ev.fullyUpdated) {
      this.fullSinceSkip = 0;
      if (o.windowRule === 'plateau' && previousAny !== undefined) this.extendPlateau(ctx, ev, this.deltaOf(value, previousAny));
      return;
    }
    this.fullSinceSkip += 1;
    const previous = this.lastFull;
    this.lastFull = value;
    if (previous === undefined) return;
    const delta = this.deltaOf(value, previous);
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

    this.openWindow(ctx, next, streak);
  }

  private deltaOf(value: number, previous: number): number {
    return this.options.mode === 'absolute' ? Math.abs(value - previous) : Math.abs(value - previous) / Math.abs(previous);
  }

  private openWindow(ctx: TrainingContext, startEpoch: number, streak: number): void {
    const index = this.windowCount++;
    const o = this.options;
    const span = o.window.unit === 'epochs' ? o.window.length : Math.ceil(o.window.length / ctx.stepsPerEpoch);
    this.window = { plan: { ...this.windowPlan, window: { index, streak } }, index, streak, startEpoch, lastEpoch: startEpoch + span - 1 };
  }

  /** Plateau rule: at a window's last epoch, Δ < τ extends it by another window. */
  private extendPlateau(ctx: TrainingContext, ev: EvaluationRecord, delta: number): void {
    const w = this.window;
    if (w === undefined || w.lastEpoch !== ev.epoch) return;
    this.delta = delta;
    if (!(delta < this.options.threshold) || w.streak + 1 > this.options.maxConsecutiveWindows) return;
    this.openWindow(ctx, ev.epoch + 1, w.streak + 1);
  }

  private monitored(ev: EvaluationRecord): number {
    const value = ev.metrics[this.options.monitor];
    if (value === undefined) {
      const known = Object.keys(ev.metrics);
      throw new ConfigError(
        `wus: monitored metric "${this.options.monitor}" is missing from the evaluation of epoch ${ev.epoch + 1}; ` +
          `available: ${known.length > 0 ? known.join(', ') : '(none)'}. ` +
          'Set the "monitor" option to one of them (val_* metrics need a validation split).',
      );
    }
    return value;
  }
}

/** The plan of a window for this model (scope), checked against the model's structure. */
function windowPlanFor(o: WusOptions, ctx: TrainingContext): Omit<UpdatePlan, 'window'> {
  if (o.scope.kind === 'biases') return skipWeights();
  const { model } = ctx;
  const depth = depthForCostShare(model, o.scope.share);
  const pct = (f: number) => `${((100 * f) / model.flops).toFixed(1)} %`;
  if (model.flops === 0) throw new ConfigError(`wus: scope "front" needs layer costs, and ${model.name} reports none; use scope "biases"`);
  if (depth === 0) {
    throw new ConfigError(
      `wus: scope "front" with frontShare=${o.scope.share} freezes no layer of ${model.name}: its first layer alone is ${pct(model.layers[0]!.flops)} of the forward cost; raise frontShare`,
    );
  }
  if (depth >= model.layers.length) throw new ConfigError(`wus: frontShare=${o.scope.share} would freeze every layer of ${model.name}; lower it`);
  return { groups: o.scope.rest === 'full' ? FULL_UPDATE.groups : SKIP_WEIGHTS_GROUPS, freezeBelowDepth: depth };
}

export const wusPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'wus',
  options: wusOptionsSchema,
  description:
    'Weight Update Skipping: when the monitored accuracy varies by less than a threshold between full epochs, the next window updates biases only',
  create(options) {
    return new WusPolicy(resolveWusOptions(parseOptions('skip-policy "wus"', wusOptionsSchema, options)));
  },
};
