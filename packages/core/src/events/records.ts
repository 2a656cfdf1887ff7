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
}

export interface EpochRecord extends EvaluationRecord {
  readonly steps: number;
  readonly skippedSteps: number;
  /** LR of the weight group at the epoch's last full step (base LR × schedule × plan scale). */
  readonly lr: number;
  /** Wall time of the epoch's training steps, evaluation excluded. */
  readonly trainTimeMs: number;
  /** Wall time of the epoch including evaluation. */
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
  /** Set when a callback stopped training early. */
  readonly stoppedEarly: boolean;
}
