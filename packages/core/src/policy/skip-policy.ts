import type { TrainingListener } from '../callbacks/callback.js';
import { restoreState, saveState, stateObject, type PluginState, type Stateful } from '../checkpoint/stateful.js';
import { ConfigError } from '../errors/errors.js';
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

/**
 * Forwards every event to `inner` policies: the base of wrapper policies. Its checkpoint state is
 * its own (`ownState`, for wrappers that keep some) plus each inner policy's, so a wrapper
 * resumes only if everything it wraps can.
 */
export abstract class PolicyWrapper implements SkipPolicy, Stateful {
  abstract readonly description: string;
  constructor(protected readonly inner: readonly SkipPolicy[]) {}

  abstract plan(ctx: TrainingContext): UpdatePlan;

  /** What this wrapper itself must keep across a restart (none by default). */
  protected ownState(): PluginState {
    return null;
  }

  protected restoreOwn(_state: PluginState): void {}

  state(): PluginState {
    return { own: this.ownState(), inner: this.inner.map((p) => saveState(p, `skip policy "${p.description}"`)) };
  }

  restore(state: PluginState): void {
    const s = stateObject(state, `skip policy "${this.description}"`);
    const inner = s['inner'];
    if (!Array.isArray(inner) || inner.length !== this.inner.length) {
      throw new ConfigError(`skip policy "${this.description}": the checkpoint holds state for other inner policies`);
    }
    this.restoreOwn(s['own'] ?? null);
    this.inner.forEach((p, i) => restoreState(p, (inner as PluginState[])[i]!, `skip policy "${p.description}"`));
  }

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
