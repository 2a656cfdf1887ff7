/** @wus/lr-schedules — LR scheduler plugins: constant, step, cosine, plateau. */
import type { LrSchedulerPlugin } from '@wus/core';
import { constantPlugin } from './constant.js';
import { cosinePlugin } from './cosine.js';
import { plateauPlugin } from './plateau.js';
import { stepPlugin } from './step.js';

export { ConstantScheduler, constantOptionsSchema, constantPlugin } from './constant.js';
export { StepScheduler, stepOptionsSchema, stepPlugin, type StepOptions } from './step.js';
export { CosineScheduler, cosineOptionsSchema, cosinePlugin, type CosineOptions } from './cosine.js';
export { PlateauScheduler, plateauOptionsSchema, plateauPlugin, type PlateauOptions } from './plateau.js';

export const plugins: readonly LrSchedulerPlugin[] = [constantPlugin, stepPlugin, cosinePlugin, plateauPlugin];
export default plugins;
