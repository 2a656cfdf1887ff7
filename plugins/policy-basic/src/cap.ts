import {
  pluginSpecSchema,
  PolicyWrapper,
  parseOptions,
  skipsWeights,
  stateObject,
  type PluginState,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type StepRecord,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { z } from 'zod';
import { fullUpdateKeepingLr } from './lr-scale.js';

export const capOptionsSchema = z.strictObject({
  maxSkipFraction: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('highest allowed share of executed steps that skipped weights, counted since train begin'),
  inner: pluginSpecSchema.default('never').describe('policy whose skips are capped'),
});
export type CapOptions = z.output<typeof capOptionsSchema>;

/**
 * Returns the inner plan unless running it as a skip would push
 * (skipped steps + 1) / (executed steps + 1) above `maxSkipFraction`; then the step is a full
 * update. Counts come from `onStepEnd` records, i.e. what the trainer actually ran (including
 * decisions of wrappers outside this one), not from what was planned.
 */
export class CapPolicy extends PolicyWrapper {
  readonly description: string;
  private steps = 0;
  private skipped = 0;

  constructor(
    readonly maxSkipFraction: number,
    inner: SkipPolicy,
  ) {
    super([inner]);
    this.description = `cap(maxSkipFraction=${maxSkipFraction},inner=${inner.description})`;
  }

  /** Share of executed steps so far that skipped weights (0 before the first step). */
  get skippedFraction(): number {
    return this.steps === 0 ? 0 : this.skipped / this.steps;
  }

  plan(ctx: TrainingContext): UpdatePlan {
    const plan = this.inner[0]!.plan(ctx);
    if (!skipsWeights(plan)) return plan;
    // Division, not multiplication, so a cap written as 0.3 compares exactly with 3/10.
    return (this.skipped + 1) / (this.steps + 1) > this.maxSkipFraction ? fullUpdateKeepingLr(plan) : plan;
  }

  override async onTrainBegin(ctx: TrainingContext): Promise<void> {
    this.steps = 0;
    this.skipped = 0;
    await super.onTrainBegin(ctx);
  }

  protected override ownState(): PluginState {
    return { steps: this.steps, skipped: this.skipped };
  }

  protected override restoreOwn(state: PluginState): void {
    const s = stateObject(state, `skip policy "${this.description}"`);
    this.steps = s['steps'] as number;
    this.skipped = s['skipped'] as number;
  }

  override onStepEnd(ctx: TrainingContext, step: StepRecord): void {
    this.steps += 1;
    if (step.skippedWeights) this.skipped += 1;
    super.onStepEnd(ctx, step);
  }
}

export const capPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'cap',
  options: capOptionsSchema,
  description: 'caps the share of steps that skip weights (options: maxSkipFraction, inner)',
  create(options, { registry }) {
    const o = parseOptions('skip-policy "cap"', capOptionsSchema, options);
    return new CapPolicy(o.maxSkipFraction, registry.createPolicy(o.inner));
  },
};
