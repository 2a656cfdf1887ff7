/** Plain-data records the trainer emits; everything here is serialisable as JSON. */

/** Metrics keyed Keras-style: `loss`, `accuracy`, `val_loss`, `val_accuracy`. */
export type Metrics = Readonly<Record<string, number>>;

export interface StepRecord {
  readonly epoch: number;
  /** Global step index, from 0. */
  readonly step: number;
  readonly stepInEpoch: number;
  /** True when the step's plan froze the weight group. */
  readonly skippedWeights: boolean;
  /** Learning rate used for the weight group (or the bias group when weights were frozen). */
  readonly lr: number;
}

export interface EvaluationRecord {
  /** Epoch just finished (0-based). */
  readonly epoch: number;
  readonly metrics: Metrics;
  /** True when no step of the epoch froze the weights: the weights really moved. */
  readonly fullyUpdated: boolean;
  /**
   * Per layer with weights: ‖W − W_prev‖ / ‖W_prev‖ since the previous evaluation (or train
   * begin) — the convergence signal of progressive-freeze policies; 0 for a frozen layer.
   */
  readonly layerChange: Readonly<Record<string, number>>;
}

/** FLOPs of the convolution and matrix-product kernels that ran (kernels/flop-counter.ts). */
export interface ComputeRecord {
  readonly forward: number;
  readonly dX: number;
  readonly dW: number;
}

export interface EpochRecord extends EvaluationRecord {
  readonly steps: number;
  readonly skippedSteps: number;
  /** LR of the weight group at the epoch's last full step (base LR × schedule × plan scale). */
  readonly lr: number;
  /**
   * Wall time of the epoch's training steps, evaluation excluded; it ends when the steps'
   * results have been read back from the device.
   */
  readonly trainTimeMs: number;
  /** Compute the epoch's steps executed, counted from the kernels that ran. */
  readonly compute: ComputeRecord;
  /** Steps per plan (`describePlan`): what the epoch froze. */
  readonly plans: Readonly<Record<string, number>>;
  /** Share of the model's scalar parameters frozen, averaged over the epoch's steps. */
  readonly frozenFraction: number;
  /** The policy's own signals at the epoch's end (e.g. WUS's Δ), from `SkipPolicy.signals`. */
  readonly signals: Readonly<Record<string, number>>;
  /** Wall time of the epoch: its training steps (`trainTimeMs`) plus its evaluation. */
  readonly epochTimeMs: number;
}

export interface TrainResult {
  readonly epochs: readonly EpochRecord[];
  readonly test: Metrics | undefined;
  readonly totalSteps: number;
  readonly skippedSteps: number;
  /** Wall time of the whole fit (training + per-epoch evaluation + test). */
  readonly wallTimeMs: number;
  /** Wall time of training steps only. */
  readonly trainTimeMs: number;
  /** Compute of all training steps. */
  readonly compute: ComputeRecord;
  /** Set when a callback stopped training early. */
  readonly stoppedEarly: boolean;
}
