import * as tf from '@tensorflow/tfjs-core';
import type { PartialEpoch } from '../checkpoint/checkpoint.js';
import type { ComputeRecord } from '../events/records.js';
import { takeFlops } from '../kernels/flop-counter.js';

const addCompute = (a: ComputeRecord, b: ComputeRecord): ComputeRecord => ({ forward: a.forward + b.forward, dX: a.dX + b.dX, dW: a.dW + b.dW });

/**
 * What an epoch's steps add up to, kept on the device until the epoch ends (no read-back per
 * step), and the epoch's clock. A checkpoint taken mid-epoch reads it back as a `PartialEpoch`;
 * a resumed epoch starts from one, so the epoch's record comes out as if it had not stopped.
 */
export class EpochProgress {
  private lossSum: tf.Scalar;
  private correct: tf.Scalar;
  seen: number;
  skippedSteps: number;
  readonly plans: Record<string, number>;
  frozenSum: number;
  lastLr: number;
  private compute: ComputeRecord;
  /** Training time of earlier processes (a resumed epoch) and of this one's finished stretches. */
  private trainTimeMs: number;
  private clockStart = 0;

  constructor(baseLr: number, from?: PartialEpoch) {
    this.lossSum = tf.scalar(from?.lossSum ?? 0);
    this.correct = tf.scalar(from?.correct ?? 0, 'int32');
    this.seen = from?.seen ?? 0;
    this.skippedSteps = from?.skippedSteps ?? 0;
    this.plans = { ...from?.plans };
    this.frozenSum = from?.frozenSum ?? 0;
    this.lastLr = from?.lastLr ?? baseLr;
    this.compute = from?.compute ?? { forward: 0, dX: 0, dW: 0 };
    this.trainTimeMs = from?.trainTimeMs ?? 0;
  }

  /** Starts (or restarts, after a checkpoint) the clock of the timed steps; resets the FLOP tally. */
  startClock(): void {
    takeFlops();
    this.clockStart = performance.now();
  }

  /** Stops the clock (before a checkpoint is written, or once results are read back). */
  stopClock(): void {
    this.trainTimeMs += performance.now() - this.clockStart;
    this.compute = addCompute(this.compute, takeFlops());
  }

  add(lossSum: tf.Scalar, correct: tf.Scalar): void {
    const [l, c] = tf.tidy(() => [tf.add(this.lossSum, lossSum), tf.add(this.correct, correct)] as [tf.Scalar, tf.Scalar]);
    tf.dispose([this.lossSum, this.correct, lossSum, correct]);
    this.lossSum = l;
    this.correct = c;
  }

  /** Reads the sums back (a device sync); the clock must be stopped. */
  async snapshot(): Promise<PartialEpoch> {
    return {
      lossSum: (await this.lossSum.data())[0]!,
      correct: (await this.correct.data())[0]!,
      seen: this.seen,
      skippedSteps: this.skippedSteps,
      plans: { ...this.plans },
      frozenSum: this.frozenSum,
      lastLr: this.lastLr,
      trainTimeMs: this.trainTimeMs,
      compute: this.compute,
    };
  }

  /**
   * Ends the epoch's timed part: the clock stops once the sums are on the host, so asynchronous
   * backends (tfjs-node-gpu) cannot report queued work as done.
   */
  async finish(): Promise<PartialEpoch> {
    await Promise.all([this.lossSum.data(), this.correct.data()]);
    this.stopClock();
    return this.snapshot();
  }

  dispose(): void {
    tf.dispose([this.lossSum, this.correct]);
  }
}
