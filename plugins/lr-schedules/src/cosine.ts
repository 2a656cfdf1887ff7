import { parseOptions, type LrScheduler, type LrSchedulerPlugin, type TrainingContext } from '@wus/core';
import { z } from 'zod';

export const cosineOptionsSchema = z.strictObject({
  warmupEpochs: z.number().int().min(0).default(0).describe('epochs of linear warm-up before the cosine decay'),
  minFactor: z.number().min(0).max(1).default(0).describe('factor the cosine decays towards at the end of training'),
});
export type CosineOptions = z.output<typeof cosineOptionsSchema>;

/**
 * Per-step cosine decay over the whole run (ctx.epochs × ctx.stepsPerEpoch steps), after an
 * optional linear warm-up. With s = epoch × stepsPerEpoch + stepInEpoch, W warm-up steps and
 * T total steps:
 *   s < W:  factor = (s + 1) / W                      (never 0, reaches 1 at the last warm-up step)
 *   s ≥ W:  factor = minFactor + (1 − minFactor) · (1 + cos(π · (s − W) / (T − W))) / 2
 * The position comes from epoch and stepInEpoch so it lines up with `ctx.epochs` exactly.
 */
export class CosineScheduler implements LrScheduler {
  readonly description: string;
  constructor(readonly options: CosineOptions) {
    this.description = `cosine(warmupEpochs=${options.warmupEpochs},minFactor=${options.minFactor})`;
  }
  factor(ctx: TrainingContext): number {
    const { warmupEpochs, minFactor } = this.options;
    const s = Math.max(0, ctx.epoch) * ctx.stepsPerEpoch + ctx.stepInEpoch;
    const warmup = warmupEpochs * ctx.stepsPerEpoch;
    if (s < warmup) return (s + 1) / warmup;
    const total = ctx.epochs * ctx.stepsPerEpoch;
    const progress = Math.min(1, (s - warmup) / Math.max(1, total - warmup));
    return minFactor + ((1 - minFactor) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
}

export const cosinePlugin: LrSchedulerPlugin = {
  kind: 'lr-scheduler',
  name: 'cosine',
  options: cosineOptionsSchema,
  description: 'per-step cosine decay over the run after an optional linear warm-up (options: warmupEpochs, minFactor)',
  create(options) {
    return new CosineScheduler(parseOptions('lr-scheduler "cosine"', cosineOptionsSchema, options));
  },
};
