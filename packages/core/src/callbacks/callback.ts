import type { TrainingContext } from '../events/context.js';
import type { EpochRecord, EvaluationRecord, StepRecord, TrainResult } from '../events/records.js';

/**
 * One listener on the trainer's event stream. Every hook is optional. Hooks run in
 * registration order; a hook that throws aborts training (the error propagates from `fit`).
 * Order of events: trainBegin, (epochBegin, stepEnd*, evaluation, epochEnd)*, trainEnd.
 */
export interface TrainingListener {
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(ctx: TrainingContext): void | Promise<void>;
  onStepEnd?(ctx: TrainingContext, step: StepRecord): void;
  onEvaluation?(ctx: TrainingContext, evaluation: EvaluationRecord): void | Promise<void>;
  onEpochEnd?(ctx: TrainingContext, epoch: EpochRecord): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext, result: TrainResult): void | Promise<void>;
}

/** A copy of the model's parameters and non-trainable state (BatchNorm statistics). */
export interface WeightSnapshot {
  /** Puts the copied values back into the model. */
  restore(): void;
  /** The copied values, parameters then state variables in model order (for a plugin's checkpoint state). */
  save(): Float32Array[];
  dispose(): void;
}

/** What the trainer lends a callback beyond the read-only event stream. */
export interface TrainerAccess {
  snapshotWeights(): WeightSnapshot;
  /** A snapshot holding values an earlier `save()` returned (a resumed run's). */
  loadSnapshot(values: readonly Float32Array[]): WeightSnapshot;
}

/**
 * A callback is a listener that may ask the trainer to stop: `shouldStop()` is polled after
 * every epoch's events; true ends training cleanly after that epoch (the test evaluation still
 * runs, and the result says `stoppedEarly`).
 */
export interface Callback extends TrainingListener {
  readonly name: string;
  /** Polled after each epoch; true stops training. */
  shouldStop?(): boolean;
  /** Called once, when the trainer is built, with what the trainer lends callbacks. */
  attach?(access: TrainerAccess): void;
}

/** Fans events out to listeners in order; async hooks are awaited one after another. */
export class ListenerList {
  constructor(private readonly listeners: readonly TrainingListener[]) {}

  async emit<K extends Exclude<keyof TrainingListener, 'onStepEnd'>>(
    event: K,
    ...args: Parameters<NonNullable<TrainingListener[K]>>
  ): Promise<void> {
    for (const l of this.listeners) {
      const hook = l[event] as ((...a: unknown[]) => void | Promise<void>) | undefined;
      if (hook !== undefined) await hook.apply(l, args);
    }
  }

  /** Step events are synchronous: they sit on the hot path. */
  emitStepEnd(ctx: TrainingContext, step: StepRecord): void {
    for (const l of this.listeners) l.onStepEnd?.(ctx, step);
  }
}
