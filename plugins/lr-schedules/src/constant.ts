import { parseOptions, type LrScheduler, type LrSchedulerPlugin } from '@wus/core';
import { z } from 'zod';

export const constantOptionsSchema = z.strictObject({});

/** Factor 1 throughout: the LR is the base LR (times any policy multiplier). */
export class ConstantScheduler implements LrScheduler {
  readonly description = 'constant';
  factor(): number {
    return 1;
  }
}

export const constantPlugin: LrSchedulerPlugin = {
  kind: 'lr-scheduler',
  name: 'constant',
  options: constantOptionsSchema,
  description: 'constant learning rate (factor 1)',
  create(options) {
    parseOptions('lr-scheduler "constant"', constantOptionsSchema, options);
    return new ConstantScheduler();
  },
};
