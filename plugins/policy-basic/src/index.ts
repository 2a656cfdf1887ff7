/**
 * @wus/policy-basic — the baseline policy (`never`) and the composable wrappers
 * `warmup`, `cap`, `any`, `all`.
 */
import type { SkipPolicyPlugin } from '@wus/core';
import { allPlugin, anyPlugin } from './combine.js';
import { capPlugin } from './cap.js';
import { neverPlugin } from './never.js';
import { warmupPlugin } from './warmup.js';

export { NeverPolicy, neverOptionsSchema, neverPlugin } from './never.js';
export { WarmupPolicy, warmupOptionsSchema, warmupPlugin, type WarmupOptions } from './warmup.js';
export { CapPolicy, capOptionsSchema, capPlugin, type CapOptions } from './cap.js';
export {
  AllPolicy,
  AnyPolicy,
  CombinePolicy,
  allPlugin,
  anyPlugin,
  combineOptionsSchema,
  combinePlans,
  type CombineOptions,
  type CombineRule,
} from './combine.js';
export { fullUpdateKeepingLr, uniformLrScale } from './lr-scale.js';

export const plugins: readonly SkipPolicyPlugin[] = [neverPlugin, warmupPlugin, capPlugin, anyPlugin, allPlugin];
export default plugins;
