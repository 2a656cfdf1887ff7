import {
  ConfigError,
  parseOptions,
  stateObject,
  type Callback,
  type PluginState,
  type Stateful,
  type CallbackPlugin,
  type EpochRecord,
  type TrainerAccess,
  type TrainingContext,
  type WeightSnapshot,
} from '@wus/core';
import { z } from 'zod';

/** Keras's EarlyStopping option names and defaults. */
export const earlyStoppingOptionsSchema = z.strictObject({
  monitor: z.string().min(1).default('val_loss').describe('epoch metric watched (loss, accuracy, val_loss, val_accuracy, …)'),
  minDelta: z.number().min(0).default(0).describe('smallest change that counts as an improvement'),
  patience: z.number().int().min(0).default(0).describe('epochs without improvement after which training stops'),
  mode: z.enum(['auto', 'min', 'max']).default('auto').describe('min: lower is better; max: higher; auto: max for metrics containing "acc", else min'),
  restoreBestWeights: z.boolean().default(false).describe('when stopping, put back the weights (and BatchNorm statistics) of the best epoch'),
});

export type EarlyStoppingOptions = z.output<typeof earlyStoppingOptionsSchema>;

/**
 * Stops training when the monitored metric has not improved by more than `minDelta` for
 * `patience` epochs, as Keras's EarlyStopping does. With `restoreBestWeights` the model is put
 * back to its best epoch when training stops early (the test evaluation then sees it).
 */
export class EarlyStopping implements Callback, Stateful {
  readonly name = 'early-stopping';
  private best = Number.NaN;
  private wait = 0;
  private stop = false;
  private access: TrainerAccess | undefined;
  private snapshot: WeightSnapshot | undefined;
  private readonly sign: 1 | -1;

  constructor(readonly options: EarlyStoppingOptions) {
    const max = options.mode === 'max' || (options.mode === 'auto' && options.monitor.includes('acc'));
    this.sign = max ? 1 : -1;
  }

  /** Epoch (0-based) with the best monitored value so far. */
  bestEpoch = -1;

  attach(access: TrainerAccess): void {
    this.access = access;
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.wait = 0;
    this.stop = false;
    this.bestEpoch = -1;
    this.snapshot?.dispose();
    this.snapshot = undefined;
  }

  onEpochEnd(_ctx: TrainingContext, e: EpochRecord): void {
    const value = e.metrics[this.options.monitor];
    if (value === undefined) {
      throw new ConfigError(`monitored metric "${this.options.monitor}" is missing at epoch ${e.epoch + 1}; available: ${Object.keys(e.metrics).join(', ')}`);
    }
    if (Number.isNaN(this.best) || this.sign * (value - this.best) > this.options.minDelta) {
      this.best = value;
      this.bestEpoch = e.epoch;
      this.wait = 0;
      if (this.options.restoreBestWeights && this.access !== undefined) {
        this.snapshot?.dispose();
        this.snapshot = this.access.snapshotWeights();
      }
      return;
    }
    this.wait++;
    if (this.wait > this.options.patience) {
      this.stop = true;
      if (this.options.restoreBestWeights) this.snapshot?.restore();
    }
  }

  shouldStop(): boolean {
    return this.stop;
  }

  state(): PluginState {
    return { best: this.best, bestEpoch: this.bestEpoch, wait: this.wait, stop: this.stop, snapshot: this.snapshot?.save() ?? null };
  }

  restore(state: PluginState): void {
    const s = stateObject(state, 'callback "early-stopping"');
    this.best = s['best'] as number;
    this.bestEpoch = s['bestEpoch'] as number;
    this.wait = s['wait'] as number;
    this.stop = s['stop'] as boolean;
    this.snapshot?.dispose();
    const saved = s['snapshot'] as Float32Array[] | null;
    this.snapshot = saved === null || this.access === undefined ? undefined : this.access.loadSnapshot(saved);
  }

  onTrainEnd(): void {
    this.snapshot?.dispose();
    this.snapshot = undefined;
  }
}

export const earlyStoppingPlugin: CallbackPlugin = {
  kind: 'callback',
  name: 'early-stopping',
  options: earlyStoppingOptionsSchema,
  description: 'stops training when the monitored metric stops improving (Keras EarlyStopping: monitor, minDelta, patience, mode, restoreBestWeights)',
  create(options) {
    return new EarlyStopping(parseOptions('callback "early-stopping"', earlyStoppingOptionsSchema, options));
  },
};
