/**
 * @wus/policy-wus-lr — WUS+LR: a wrapper (default around `wus`) that decays the learning rate
 * when skip windows repeat. Needs a `wus` plugin registered when the default inner is used.
 */
import type { SkipPolicyPlugin } from '@wus/core';
import { wusLrPlugin } from './wus-lr.js';

export { WusLrPolicy, wusLrPlugin } from './wus-lr.js';
export { resolveWusLrOptions, wusLrOptionsSchema, type WusLrOptions, type WusLrOptionsInput } from './options.js';

export const plugins: readonly SkipPolicyPlugin[] = [wusLrPlugin];
export default plugins;
