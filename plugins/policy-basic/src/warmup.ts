import {
  pluginSpecSchema,
  FULL_UPDATE,
  PolicyWrapper,
  parseOptions,
  type SkipPolicy,
  type SkipPolicyPlugin,
  type TrainingContext,
  type UpdatePlan,
} from '@wus/core';
import { z } from 'zod';

export const warmupOptionsSchema = z.strictObject({
  epochs: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe('number of leading epochs (0-based epochs 0..epochs-1) forced to full updates'),
  inner: pluginSpecSchema.default('never').describe('policy whose plans apply after the warm-up'),
});
export type WarmupOptions = z.output<typeof warmupOptionsSchema>;

/**
 * Full updates during the first `epochs` epochs, then the inner policy's plans.
 * The inner policy still receives every event during the warm-up (so it can track metrics),
 * but its `plan` is not called then: a window it decides during the warm-up is simply not
 * executed, and the evaluation it sees is reported as fully updated.
 */
export class WarmupPolicy extends PolicyWrapper {
  readonly description: string;

  constructor(
    readonly epochs: number,
    inner: SkipPolicy,
  ) {
    super([inner]);
    this.description = `warmup(epochs=${epochs},inner=${inner.description})`;
  }

  plan(ctx: TrainingContext): UpdatePlan {
    if (ctx.epoch < this.epochs) return FULL_UPDATE;
    return this.inner[0]!.plan(ctx);
  }
}

export const warmupPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'warmup',
  options: warmupOptionsSchema,
  description: 'full updates for the first N epochs, then an inner policy (options: epochs, inner)',
  create(options, { registry }) {
    const o = parseOptions('skip-policy "warmup"', warmupOptionsSchema, options);
    return new WarmupPolicy(o.epochs, registry.createPolicy(o.inner));
  },
};
