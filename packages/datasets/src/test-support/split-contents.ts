/** Reads a LabeledSplit back through its public `batches`, for tests. */
import * as tf from '@tensorflow/tfjs-core';
import type { LabeledSplit } from '@wus/core';

export interface SplitContents {
  readonly labels: Int32Array;
  /** Mean and (population) std of every value of every sample. */
  readonly mean: number;
  readonly std: number;
  /** Sum of all values, a cheap fingerprint of the samples' content. */
  readonly checksum: number;
}

export function splitContents(split: LabeledSplit, batchSize = 4096): SplitContents {
  const labels = new Int32Array(split.count);
  let n = 0;
  let sum = 0;
  let squares = 0;
  let offset = 0;
  for (const batch of split.batches({ batchSize })) {
    const x = batch.x.dataSync();
    for (let i = 0; i < x.length; i++) {
      sum += x[i]!;
      squares += x[i]! * x[i]!;
    }
    n += x.length;
    labels.set(batch.y.dataSync(), offset);
    offset += batch.size;
    tf.dispose([batch.x, batch.y]);
  }
  const mean = sum / n;
  return { labels, mean, std: Math.sqrt(squares / n - mean * mean), checksum: sum };
}

export function histogram(labels: ArrayLike<number>, numClasses: number): number[] {
  const h = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) h[labels[i]!]!++;
  return h;
}
