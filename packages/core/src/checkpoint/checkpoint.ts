import type { ComputeRecord, EpochRecord, EvaluationRecord, TrainResult } from '../events/records.js';
import type { JsonValue, PluginState } from './stateful.js';

export const CHECKPOINT_FORMAT = 'wus-checkpoint/1';

/** A tensor's values as saved: float32 or int32, little-endian, row-major. */
export interface SavedTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

/** An epoch cut short by a checkpoint: what its first `stepInEpoch` steps added up to. */
export interface PartialEpoch {
  /** Sum of per-example losses and count of correct predictions (read back as float32 / int32). */
  readonly lossSum: number;
  readonly correct: number;
  readonly seen: number;
  readonly skippedSteps: number;
  readonly plans: Readonly<Record<string, number>>;
  readonly frozenSum: number;
  readonly lastLr: number;
  /** Training time spent in these steps (checkpoint writing excluded). */
  readonly trainTimeMs: number;
  readonly compute: ComputeRecord;
}

/**
 * Everything a trainer needs to go on exactly where it stopped. The random state needs no
 * field of its own: every random draw (data order, augmentation, dropout masks) is derived
 * from the run seed and the epoch/step counters below.
 */
export interface TrainerCheckpoint {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** Epochs completed, and steps completed of the epoch after them (0: at an epoch boundary). */
  readonly position: { readonly epochsDone: number; readonly stepInEpoch: number; readonly step: number };
  /** Identity of the model the tensors belong to: name and every parameter's name and shape. */
  readonly model: { readonly name: string; readonly parameters: readonly { readonly name: string; readonly shape: readonly number[] }[] };
  readonly trainer: {
    readonly scheduleFactor: number;
    readonly trainTimeMs: number;
    /** Wall time of the whole fit so far (training, evaluation). */
    readonly wallTimeMs: number;
    readonly stopped: boolean;
    readonly history: readonly EpochRecord[];
    readonly evaluations: readonly EvaluationRecord[];
    readonly partial: PartialEpoch | null;
  };
  /** Update counts per parameter (the optimizer's slots are in `tensors`). */
  readonly optimizer: Readonly<Record<string, number>>;
  /** State of the policy, the scheduler and each callback (by the names the trainer gives them). */
  readonly listeners: Readonly<Record<string, PluginState>>;
  /**
   * Parameters (`param/<name>`), non-trainable state (`state/<index>`: BatchNorm statistics),
   * optimizer slots (`optimizer/<param>/<slot>`) and the per-layer weight-change reference
   * (`layer-change/<param>`).
   */
  readonly tensors: Readonly<Record<string, SavedTensor>>;
  /** Set once training ended: the result the run reported. */
  readonly result: TrainResult | null;
  /** What the application stores beside (its configuration, the data's fingerprint…). */
  readonly app: JsonValue;
}

/** Where a trainer hands its checkpoints; the application decides how they are stored. */
export interface CheckpointSink {
  /** Also write one every this many steps (mid-epoch); checkpoints are always written at epoch ends. */
  readonly everySteps?: number;
  /** Stored in every checkpoint as `app` (what the application needs to resume: its configuration…). */
  readonly app?: JsonValue;
  write(checkpoint: TrainerCheckpoint): Promise<void>;
}

/** "epoch 3, step 120 of 468" or "after epoch 3", as users count epochs (from 1). */
export function describePosition(c: Pick<TrainerCheckpoint, 'position' | 'result'>): string {
  const { epochsDone, stepInEpoch } = c.position;
  if (c.result !== null) return `finished (${epochsDone} epochs)`;
  return stepInEpoch === 0 ? `after epoch ${epochsDone}` : `epoch ${epochsDone + 1}, after step ${stepInEpoch}`;
}
