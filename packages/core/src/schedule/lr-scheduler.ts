import type { TrainingListener } from '../callbacks/callback.js';
import type { TrainingContext } from '../events/context.js';

/**
 * Gives the learning-rate factor for the coming step (LR = base LR × factor × the plan's
 * per-group multiplier). Schedulers listen to the event stream, so plateau-style schedules
 * can react to evaluations.
 */
export interface LrScheduler extends TrainingListener {
  readonly description: string;
  factor(ctx: TrainingContext): number;
}
