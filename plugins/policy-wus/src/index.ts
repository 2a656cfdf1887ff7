/** @wus/policy-wus — Weight Update Skipping (WUS) as a skip-policy plugin named `wus`. */
import type { SkipPolicyPlugin } from '@wus/core';
import { wusPlugin } from './wus.js';

export { WusPolicy, wusPlugin } from './wus.js';
export {
  describeWus,
  resolveWusOptions,
  wusOptionsSchema,
  type WindowLength,
  type WusOptions,
  type WusOptionsInput,
} from './options.js';

export const plugins: readonly SkipPolicyPlugin[] = [wusPlugin];
export default plugins;
