import type * as tf from '@tensorflow/tfjs-core';

/** One mini-batch on the active backend. The consumer disposes `x` and `y`. */
export interface Batch {
  /** Inputs, `[n, ...sampleShape]`, float32. */
  readonly x: tf.Tensor;
  /** Integer class labels, `[n]`, int32. */
  readonly y: tf.Tensor1D;
  readonly size: number;
  /** Position in the split (0 … count−1) of each sample: what the frozen-prefix cache keys on. */
  readonly indices?: Uint32Array;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Seed of this pass's order; omitted = the stored order (evaluation). */
  readonly shuffleSeed?: number;
  /** Drop a last incomplete batch (training) or keep it (evaluation). */
  readonly dropRemainder?: boolean;
  /**
   * Start the pass at this batch (a run resumed mid-epoch): earlier batches are neither built
   * nor returned, and the ones returned are exactly those a whole pass returns from there
   * (same samples, same augmentation draws). Every split must honour it. Default 0.
   */
  readonly firstBatch?: number;
}

/** A labelled split a trainer can iterate. */
export interface LabeledSplit {
  readonly count: number;
  /** Shape of one sample, e.g. `[28, 28, 1]`. */
  readonly sampleShape: readonly number[];
  /**
   * True when every pass yields the same input for a sample (no random augmentation): a frozen
   * prefix's output may then be cached per sample.
   */
  readonly deterministic?: boolean;
  batches(options: BatchOptions): Iterable<Batch>;
}

export interface DatasetBundle {
  readonly name: string;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  readonly train: LabeledSplit;
  readonly validation: LabeledSplit | undefined;
  readonly test: LabeledSplit | undefined;
  /** Where the data came from (directory, bundled subset…), for logs and tracking. */
  readonly source: string;
  /** The directory the files were read from, when there is one (MLflow's data-set source). */
  readonly uri?: string;
}
