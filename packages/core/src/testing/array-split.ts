import * as tf from '@tensorflow/tfjs-core';
import type { Batch, BatchOptions, DatasetBundle, LabeledSplit } from '../data/dataset.js';
import { permutation } from '../random/random.js';

/** An in-memory split over plain arrays: enough for tests of trainers and plugins. */
export function arraySplit(images: Float32Array, labels: Int32Array, sampleShape: readonly number[]): LabeledSplit {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const count = labels.length;
  return {
    count,
    sampleShape,
    deterministic: true,
    *batches(o: BatchOptions): Iterable<Batch> {
      const order = o.shuffleSeed === undefined ? undefined : permutation(count, o.shuffleSeed);
      for (let start = (o.firstBatch ?? 0) * o.batchSize; start < count; start += o.batchSize) {
        const n = Math.min(o.batchSize, count - start);
        if (n < o.batchSize && o.dropRemainder === true) return;
        const x = new Float32Array(n * size);
        const y = new Int32Array(n);
        const indices = new Uint32Array(n);
        for (let i = 0; i < n; i++) {
          const src = order === undefined ? start + i : order[start + i]!;
          indices[i] = src;
          x.set(images.subarray(src * size, (src + 1) * size), i * size);
          y[i] = labels[src]!;
        }
        yield { x: tf.tensor(x, [n, ...sampleShape]), y: tf.tensor1d(y, 'int32'), size: n, indices };
      }
    },
  };
}

/**
 * A learnable toy problem: class = index of the largest of the first `numClasses` features,
 * plus noise. Deterministic for a seed.
 */
export function toyDataset(options: { count: number; sampleShape: readonly number[]; numClasses: number; seed: number }): DatasetBundle {
  const size = options.sampleShape.reduce((a, b) => a * b, 1);
  let s = options.seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const make = (n: number) => {
    const x = new Float32Array(n * size);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 0; j < size; j++) x[i * size + j] = rand() * 2 - 1;
      for (let c = 1; c < options.numClasses; c++) if (x[i * size + c]! > x[i * size + best]!) best = c;
      y[i] = best;
    }
    return arraySplit(x, y, options.sampleShape);
  };
  return {
    name: 'toy',
    numClasses: options.numClasses,
    train: make(options.count),
    validation: make(Math.max(1, Math.floor(options.count / 4))),
    test: make(Math.max(1, Math.floor(options.count / 4))),
    source: 'generated',
  };
}
