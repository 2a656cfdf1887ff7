import {
  ConfigError,
  parseOptions,
  stateObject,
  type EvaluationRecord,
  type LrScheduler,
  type LrSchedulerPlugin,
  type PluginState,
  type Stateful,
} from '@wus/core';
import { z } from 'zod';

export const plateauOptionsSchema = z.strictObject({
  monitor: z.string().min(1).default('val_loss').describe('evaluation metric to watch'),
  mode: z
    .enum(['auto', 'min', 'max'])
    .default('auto')
    .describe("min: lower is better; max: higher is better; auto: max when the name contains 'acc', else min"),
  factor: z.number().gt(0).lt(1).default(0.1).describe('factor applied to the LR at each reduction'),
  patience: z.number().int().min(0).default(2).describe('evaluations without improvement before a reduction'),
  minDelta: z.number().min(0).default(1e-4).describe('smallest change that counts as an improvement'),
  cooldown: z.number().int().min(0).default(0).describe('evaluations after a reduction during which waiting is suspended'),
  minFactor: z.number().min(0).max(1).default(0).describe('floor of the factor (Keras min_lr as a fraction of the base LR)'),
});
export type PlateauOptions = z.output<typeof plateauOptionsSchema>;

/**
 * Keras ReduceLROnPlateau, step for step (keras/callbacks/reduce_lr_on_plateau.py), with the LR
 * expressed as a factor of the base LR. It reacts to every evaluation, including those of epochs
 * where a policy skipped weights. The new factor applies from the next epoch's first step.
 */
export class PlateauScheduler implements LrScheduler, Stateful {
  readonly description: string;
  readonly mode: 'min' | 'max';
  private current = 1;
  private best = Number.NaN;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(readonly options: PlateauOptions) {
    const o = options;
    this.mode = o.mode !== 'auto' ? o.mode : o.monitor.includes('acc') ? 'max' : 'min';
    this.description =
      `plateau(monitor=${o.monitor},mode=${this.mode},factor=${o.factor},patience=${o.patience},` +
      `minDelta=${o.minDelta},cooldown=${o.cooldown},minFactor=${o.minFactor})`;
    this.reset();
  }

  factor(): number {
    return this.current;
  }

  onTrainBegin(): void {
    this.reset();
  }

  onEvaluation(_ctx: unknown, ev: EvaluationRecord): void {
    const o = this.options;
    const value = ev.metrics[o.monitor];
    if (value === undefined) {
      throw new ConfigError(
        `plateau: monitored metric "${o.monitor}" is missing from the evaluation of epoch ${ev.epoch + 1}; ` +
          `available: ${Object.keys(ev.metrics).join(', ') || '(none)'}`,
      );
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(value)) {
      this.best = value;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      // As in Keras, at the floor `wait` keeps growing and nothing else happens.
      if (this.wait >= o.patience && this.current > o.minFactor) {
        this.current = Math.max(this.current * o.factor, o.minFactor);
        this.cooldownCounter = o.cooldown;
        this.wait = 0;
      }
    }
  }

  state(): PluginState {
    return { current: this.current, best: this.best, wait: this.wait, cooldownCounter: this.cooldownCounter };
  }

  restore(state: PluginState): void {
    const s = stateObject(state, 'lr-scheduler "plateau"');
    this.current = s['current'] as number;
    this.best = s['best'] as number;
    this.wait = s['wait'] as number;
    this.cooldownCounter = s['cooldownCounter'] as number;
  }

  private improves(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.options.minDelta : value > this.best + this.options.minDelta;
  }

  private reset(): void {
    this.current = 1;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.wait = 0;
    this.cooldownCounter = 0;
  }
}

export const plateauPlugin: LrSchedulerPlugin = {
  kind: 'lr-scheduler',
  name: 'plateau',
  options: plateauOptionsSchema,
  description:
    'Keras ReduceLROnPlateau: multiplies the LR by factor after patience evaluations without improvement (options: monitor, mode, factor, patience, minDelta, cooldown, minFactor)',
  create(options) {
    return new PlateauScheduler(parseOptions('lr-scheduler "plateau"', plateauOptionsSchema, options));
  },
};
