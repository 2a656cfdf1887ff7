/** @wus/callbacks — callback plugins attached with `--callback` or the `callbacks:` config key. */
import type { CallbackPlugin } from '@wus/core';
import { earlyStoppingPlugin } from './early-stopping.js';

export { EarlyStopping, earlyStoppingOptionsSchema, earlyStoppingPlugin, type EarlyStoppingOptions } from './early-stopping.js';

export const plugins: readonly CallbackPlugin[] = [earlyStoppingPlugin];
export default plugins;
