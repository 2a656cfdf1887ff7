import * as tf from '@tensorflow/tfjs-core';
import { type Batch, type BatchOptions, ConfigError, type LabeledSplit, createRng, deriveSeed, permutation } from '@wus/core';
import type { ChannelStatistics } from '../normalize/channel-statistics.js';
import { type Augmentation, drawTransform, normalizationTables, writeSample } from './augmentation.js';

/** Images kept as bytes, shared by the splits that index into them. */
export interface ByteImages {
  /** `count × h × w × c` bytes, sample after sample, HWC. */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** `[h, w, c]`. */
  readonly shape: readonly [number, number, number];
}

/** Purpose string of the per-batch augmentation seeds. */
export const AUGMENT_SEED_PURPOSE = 'dataset/augment';

/**
 * A split over byte images: the samples `indices` of `images`, converted to normalised float32
 * one batch at a time (per-channel lookup tables), and — for training splits — randomly
 * cropped and mirrored on the way. Nothing is stored as float32: the train and validation splits
 * share one byte array, a quarter of the memory of the float32 copy, and no split holds the
 * data twice.
 *
 * Augmentation is seeded from the pass's `shuffleSeed` and the batch index (a pass without a
 * seed uses 0), so two trials with the same seed see identical augmented batches.
 */
export class ByteImageSplit implements LabeledSplit {
  readonly count: number;
  readonly sampleShape: readonly number[];
  private readonly tables: Float32Array;
  private readonly sampleSize: number;

  constructor(
    /** The byte images this split indexes into (shared with sibling splits). */
    readonly images: ByteImages,
    private readonly indices: Uint32Array,
    readonly normalization: ChannelStatistics,
    readonly augmentation?: Augmentation,
  ) {
    const [h, w, c] = images.shape;
    this.sampleSize = h * w * c;
    this.count = indices.length;
    this.sampleShape = Object.freeze([h, w, c]);
    if (normalization.mean.length !== c || normalization.std.length !== c) {
      throw new RangeError(`ByteImageSplit: ${normalization.mean.length} channel statistics for ${c} channels`);
    }
    if (images.pixels.length !== images.labels.length * this.sampleSize) {
      throw new RangeError(`ByteImageSplit: ${images.pixels.length} bytes do not make ${images.labels.length} samples of [${h}, ${w}, ${c}]`);
    }
    this.tables = normalizationTables(normalization.mean, normalization.std);
    this.deterministic = augmentation === undefined;
  }

  /** Without augmentation a sample is the same on every pass (the frozen-prefix cache may keep it). */
  readonly deterministic: boolean;

  /** Class labels of the split, in stored order. */
  labels(): Int32Array {
    return Int32Array.from(this.indices, (i) => this.images.labels[i]!);
  }

  *batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffleSeed, dropRemainder = false, firstBatch = 0 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError(`batch size must be a positive integer, got ${batchSize}`);
    }
    const order = shuffleSeed === undefined ? undefined : permutation(this.count, shuffleSeed);
    const augmentSeed = deriveSeed(shuffleSeed ?? 0, AUGMENT_SEED_PURPOSE);
    const s = this.sampleSize;
    for (let b = firstBatch, start = firstBatch * batchSize; start < this.count; start += batchSize, b++) {
      const size = Math.min(batchSize, this.count - start);
      if (size < batchSize && dropRemainder) return;
      const rng = this.augmentation === undefined ? undefined : createRng(deriveSeed(augmentSeed, 'batch', b));
      const x = new Float32Array(size * s);
      const y = new Int32Array(size);
      const positions = new Uint32Array(size);
      for (let k = 0; k < size; k++) {
        positions[k] = order === undefined ? start + k : order[start + k]!;
        const i = this.indices[positions[k]!]!;
        const t = rng === undefined ? undefined : drawTransform(this.augmentation!, rng);
        writeSample(x, k * s, this.images.pixels, i * s, this.images.shape, this.tables, t);
        y[k] = this.images.labels[i]!;
      }
      yield { x: tf.tensor(x, [size, ...this.sampleShape], 'float32'), y: tf.tensor1d(y, 'int32'), size, indices: positions };
    }
  }
}
