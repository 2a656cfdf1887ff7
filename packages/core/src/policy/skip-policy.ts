import type { TrainingListener } from '../callbacks/callback.js';
import type { TrainingContext } from '../events/context.js';
import type { UpdatePlan } from '../plan/update-plan.js';

/**
 * Decides, step by step, which parameter groups are updated. A policy sees the same event
 * stream as callbacks (evaluation results in particular) and answers `plan` before every step.
 * Policies are composable: a wrapper holds inner policies and forwards events to them.
 */
export interface SkipPolicy extends TrainingListener {
  /** Human-readable description with resolved options, e.g. `wus(threshold=0.002,window=1 epoch)`. */
  readonly description: string;
  plan(ctx: TrainingContext): UpdatePlan;
  /** Numbers worth logging per epoch (e.g. `{ 'wus.delta': 0.001 }`); read at each epoch end. */
  signals?(): Readonly<Record<string, number>>;
}

/** Forwards every event to `inner` policies: the base of wrapper policies. */
export abstract class PolicyWrapper implements SkipPolicy {
  abstract readonly description: string;
  constructor(protected readonly inner: readonly SkipPolicy[]) {}

  abstract plan(ctx: TrainingContext): UpdatePlan;

  signals(): Readonly<Record<string, number>> {
    return Object.assign({}, ...this.inner.map((p) => p.signals?.() ?? {})) as Record<string, number>;
  }

  async onTrainBegin(ctx: TrainingContext): Promise<void> {
    for (const p of this.inner) await p.onTrainBegin?.(ctx);
  }
  async onEpochBegin(ctx: TrainingContext): Promise<void> {
    for (const p of this.inner) await p.onEpochBegin?.(ctx);
  }
  onStepEnd(ctx: TrainingContext, step: Parameters<NonNullable<TrainingListener['onStepEnd']>>[1]): void {
    for (const p of this.inner) p.onStepEnd?.(ctx, step);
  }
  async onEvaluation(ctx: TrainingContext, ev: Parameters<NonNullable<TrainingListener['onEvaluation']>>[1]): Promise<void> {
    for (const p of this.inner) await p.onEvaluation?.(ctx, ev);
  }
  async onEpochEnd(ctx: TrainingContext, rec: Parameters<NonNullable<TrainingListener['onEpochEnd']>>[1]): Promise<void> {
    for (const p of this.inner) await p.onEpochEnd?.(ctx, rec);
  }
  async onTrainEnd(ctx: TrainingContext, res: Parameters<NonNullable<TrainingListener['onTrainEnd']>>[1]): Promise<void> {
    for (const p of this.inner) await p.onTrainEnd?.(ctx, res);
  }
}
