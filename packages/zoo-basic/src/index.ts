import type { Plugin } from '@wus/core';
import { lenet5Plugin } from './lenet5/lenet5.js';
import { mlpPlugin } from './mlp/mlp.js';

export { buildLenet5, lenet5Plugin } from './lenet5/lenet5.js';
export { buildMlp, mlpPlugin } from './mlp/mlp.js';

/** The models this zoo registers. */
export const plugins: Plugin[] = [mlpPlugin, lenet5Plugin];
export default plugins;
