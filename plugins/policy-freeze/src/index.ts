/**
 * @wus/policy-freeze — layer-wise policies that freeze the front of a network for good
 * (progressive freezing), as opposed to WUS's windows.
 */
import type { SkipPolicyPlugin } from '@wus/core';
import { progressiveFreezePlugin } from './progressive-freeze.js';

export { ProgressiveFreezePolicy, progressiveFreezePlugin } from './progressive-freeze.js';
export { progressiveFreezeOptionsSchema, type ProgressiveFreezeOptions, type ProgressiveFreezeOptionsInput } from './options.js';

export const plugins: readonly SkipPolicyPlugin[] = [progressiveFreezePlugin];
export default plugins;
