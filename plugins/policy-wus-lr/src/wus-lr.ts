import {
  PolicyWrapper,
  parseOptions,
  scaleLr,
  stateObject,
  type PluginState,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { resolveWusLrOptions, wusLrOptionsSchema, type WusLrOptions } from './options.js';

/**
 * WUS+LR: the inner policy decides the windows; this wrapper shares its signal to decay the
 * learning rate on a persistent plateau.
 *
 * A window starts when a plan carries a `window` whose index this wrapper has not seen yet.
 * With decayOn = 'repeat' the multiplier is multiplied by gamma when that window's streak is ≥ 2
 * (a window triggered again right after a window); with 'every-window' at every window start.
 * It never drops below minLrScale and never recovers. It applies from the window's first step
 * on, to every plan (skipped or full) through `scaleLr`.
 *
 * Decisions read the plans this wrapper receives, so it sees only windows that inner wrappers
 * (cap, warmup) let through: put it outside them, e.g. wus-lr(inner: cap(wus)).
 */
export class WusLrPolicy extends PolicyWrapper {
  readonly description: string;
  private multiplier = 1;
  private lastWindowIndex: number | undefined;

  constructor(
    readonly options: Omit<WusLrOptions, 'inner'>,
    inner: SkipPolicy,
  ) {
    super([inner]);
    const o = options;
    this.description = `wus-lr(gamma=${o.gamma},minLrScale=${o.minLrScale},decayOn=${o.decayOn},inner=${inner.description})`;
  }

  /** Current LR multiplier (1 until the first decay). */
  get lrMultiplier(): number {
    return this.multiplier;
  }

  plan(ctx: TrainingContext): UpdatePlan {
    const plan = this.inner[0]!.plan(ctx);
    const w = plan.window;
    // Keyed on the window index, so asking twice for the same step never decays twice.
    if (w !== undefined && w.index !== this.lastWindowIndex) {
      this.lastWindowIndex = w.index;
      if (this.options.decayOn === 'every-window' || w.streak >= 2) {
        this.multiplier = Math.max(this.options.minLrScale, this.multiplier * this.options.gamma);
      }
    }
    return scaleLr(plan, this.multiplier);
  }

  protected override ownState(): PluginState {
    return { multiplier: this.multiplier, lastWindowIndex: this.lastWindowIndex ?? null };
  }

  protected override restoreOwn(state: PluginState): void {
    const s = stateObject(state, `skip policy "${this.description}"`);
    this.multiplier = s['multiplier'] as number;
    this.lastWindowIndex = (s['lastWindowIndex'] as number | null) ?? undefined;
  }

  override async onTrainBegin(ctx: TrainingContext): Promise<void> {
    this.multiplier = 1;
    this.lastWindowIndex = undefined;
    await super.onTrainBegin(ctx);
  }
}

export const wusLrPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'wus-lr',
  options: wusLrOptionsSchema,
  description:
    'WUS+LR: WUS windows, and the learning rate decays by gamma when a window follows a window (persistent plateau)',
  create(options, { registry }) {
    const o = resolveWusLrOptions(parseOptions('skip-policy "wus-lr"', wusLrOptionsSchema, options));
    return new WusLrPolicy(o, registry.createPolicy(o.inner));
  },
};
