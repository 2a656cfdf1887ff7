import type { EpochRecord, EvaluationRecord } from './records.js';
import type { ModelStructure } from '../model/structure.js';
import type { ParameterGroup } from '../params/parameter.js';

/**
 * The read-only view of a training run that policies, schedulers and callbacks receive.
 * It is a snapshot owned by the trainer: plugins must not keep it across events.
 */
export interface TrainingContext {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly baseLr: number;
  readonly seed: number;
  /** Current epoch (0-based); -1 before the first epoch. */
  readonly epoch: number;
  /** Global step about to run or just run (0-based). */
  readonly step: number;
  readonly stepInEpoch: number;
  /** Schedule factor in force (LR = baseLr × scheduleFactor × plan multiplier). */
  readonly scheduleFactor: number;
  readonly history: readonly EpochRecord[];
  readonly evaluations: readonly EvaluationRecord[];
  /** The model's layers, depths, groups, sizes and forward costs (read-only). */
  readonly model: ModelStructure;
  /** Scalar count per parameter group of the model being trained. */
  readonly parameterCounts: Readonly<Record<ParameterGroup, number>>;
}
