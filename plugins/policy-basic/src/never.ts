import { FULL_UPDATE, parseOptions, type SkipPolicy, type SkipPolicyPlugin, type UpdatePlan } from '@wus/core';
import { z } from 'zod';

/** `never` takes no options; a strict empty schema still rejects typos such as `{ epoch: 3 }`. */
export const neverOptionsSchema = z.strictObject({});

/** The baseline: every step updates every group. Stateless, so one instance may be shared. */
export class NeverPolicy implements SkipPolicy {
  readonly description = 'never';
  plan(): UpdatePlan {
    return FULL_UPDATE;
  }
}

export const neverPlugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'never',
  options: neverOptionsSchema,
  description: 'never skips: every step updates all parameter groups (the baseline)',
  create(options) {
    parseOptions('skip-policy "never"', neverOptionsSchema, options);
    return new NeverPolicy();
  },
};
