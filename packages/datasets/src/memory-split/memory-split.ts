import * as tf from '@tensorflow/tfjs-core';
import { type Batch, type BatchOptions, ConfigError, type LabeledSplit, permutation } from '@wus/core';

/**
 * A labelled split held in memory: all samples in one Float32Array (no per-sample objects, so
 * 60 000 images cost one 188 MB buffer) and labels in one Int32Array. Tensors exist only per
 * batch, created on the active backend when the iterator reaches them.
 */
export class MemorySplit implements LabeledSplit {
  readonly count: number;
  /** Stored samples, no augmentation: a sample is the same on every pass. */
  readonly deterministic = true;
  readonly sampleShape: readonly number[];
  private readonly sampleSize: number;

  /**
   * @param images `count × prod(sampleShape)` values, sample after sample.
   * @param labels one class index per sample.
   */
  constructor(
    private readonly images: Float32Array,
    private readonly labels: Int32Array,
    sampleShape: readonly number[],
  ) {
    this.sampleShape = Object.freeze([...sampleShape]);
    this.sampleSize = sampleShape.reduce((a, b) => a * b, 1);
    this.count = labels.length;
    if (images.length !== this.count * this.sampleSize) {
      throw new RangeError(
        `MemorySplit: ${images.length} values do not make ${this.count} samples of shape [${sampleShape.join(', ')}]`,
      );
    }
  }

  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffleSeed, dropRemainder = false, firstBatch = 0 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError(`batch size must be a positive integer, got ${batchSize}`);
    }
    const order = shuffleSeed === undefined ? undefined : permutation(this.count, shuffleSeed);
    for (let start = firstBatch * batchSize; start < this.count; start += batchSize) {
      const size = Math.min(batchSize, this.count - start);
      if (size < batchSize && dropRemainder) return;
      const [x, y] = order === undefined ? this.slice(start, size) : this.gather(order, start, size);
      yield {
        x: tf.tensor(x, [size, ...this.sampleShape], 'float32'),
        y: tf.tensor1d(y, 'int32'),
        size,
        indices: order === undefined ? Uint32Array.from({ length: size }, (_, k) => start + k) : order.slice(start, start + size),
      };
    }
  }

  /** Copies rather than views: a backend may keep the array, and must not pin the whole split. */
  private slice(start: number, size: number): [Float32Array, Int32Array] {
    const s = this.sampleSize;
    return [this.images.slice(start * s, (start + size) * s), this.labels.slice(start, start + size)];
  }

  private gather(order: Uint32Array, start: number, size: number): [Float32Array, Int32Array] {
    const s = this.sampleSize;
    const x = new Float32Array(size * s);
    const y = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      const i = order[start + k]!;
      x.set(this.images.subarray(i * s, (i + 1) * s), k * s);
      y[k] = this.labels[i]!;
    }
    return [x, y];
  }
}
