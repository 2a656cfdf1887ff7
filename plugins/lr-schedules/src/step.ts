import { parseOptions, type LrScheduler, type LrSchedulerPlugin, type TrainingContext } from '@wus/core';
import { z } from 'zod';

export const stepOptionsSchema = z.strictObject({
  stepEpochs: z.number().int().min(1).default(10).describe('epochs between two decays'),
  gamma: z.number().gt(0).max(1).default(0.1).describe('factor applied at each decay'),
});
export type StepOptions = z.output<typeof stepOptionsSchema>;

/** factor = gamma ^ floor(epoch / stepEpochs): constant within an epoch, like Keras/PyTorch StepLR. */
export class StepScheduler implements LrScheduler {
  readonly description: string;
  constructor(readonly options: StepOptions) {
    this.description = `step(stepEpochs=${options.stepEpochs},gamma=${options.gamma})`;
  }
  factor(ctx: TrainingContext): number {
    // epoch is -1 before training starts; treat it as epoch 0.
    return this.options.gamma ** Math.floor(Math.max(0, ctx.epoch) / this.options.stepEpochs);
  }
}

export const stepPlugin: LrSchedulerPlugin = {
  kind: 'lr-scheduler',
  name: 'step',
  options: stepOptionsSchema,
  description: 'multiplies the LR by gamma every stepEpochs epochs (options: stepEpochs, gamma)',
  create(options) {
    return new StepScheduler(parseOptions('lr-scheduler "step"', stepOptionsSchema, options));
  },
};
