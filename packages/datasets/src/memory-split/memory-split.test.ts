import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@wus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemorySplit } from './memory-split.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** `n` samples of shape [2, 2, 1] whose pixels all equal the sample index, labelled by index. */
function numbered(n: number): MemorySplit {
  const images = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) images.fill(i, i * 4, (i + 1) * 4);
  return new MemorySplit(images, Int32Array.from({ length: n }, (_, i) => i), [2, 2, 1]);
}

/** The label order of one pass, checking every batch's tensors on the way and disposing them. */
function pass(split: MemorySplit, batchSize: number, shuffleSeed?: number, dropRemainder?: boolean, firstBatch?: number): number[] {
  const seen: number[] = [];
  for (const batch of split.batches({ batchSize, shuffleSeed, dropRemainder, firstBatch })) {
    expect(batch.x.shape).toEqual([batch.size, 2, 2, 1]);
    expect(batch.x.dtype).toBe('float32');
    expect(batch.y.shape).toEqual([batch.size]);
    expect(batch.y.dtype).toBe('int32');
    const x = batch.x.dataSync();
    const y = Array.from(batch.y.dataSync());
    // Images travel with their labels.
    y.forEach((label, k) => expect(Array.from(x.subarray(k * 4, k * 4 + 4))).toEqual([label, label, label, label]));
    seen.push(...y);
    batch.x.dispose();
    batch.y.dispose();
  }
  return seen;
}

describe('MemorySplit', () => {
  it('keeps the stored order without a seed, last batch partial', () => {
    const split = numbered(10);
    expect(split.count).toBe(10);
    expect(split.sampleShape).toEqual([2, 2, 1]);
    expect(pass(split, 4)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('drops a last incomplete batch when asked', () => {
    expect(pass(numbered(10), 4, undefined, true)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(pass(numbered(10), 4, 3, true)).toHaveLength(8);
  });

  it('covers every sample exactly once per seeded epoch, in an order set by the seed', () => {
    const split = numbered(100);
    const a = pass(split, 16, 1);
    const again = pass(split, 16, 1);
    const b = pass(split, 16, 2);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...b].sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('creates tensors lazily and leaves only those the consumer holds', () => {
    const split = numbered(10);
    const before = tf.memory().numTensors;
    const it = split.batches({ batchSize: 3 })[Symbol.iterator]();
    expect(tf.memory().numTensors).toBe(before);
    const first = it.next();
    expect(tf.memory().numTensors).toBe(before + 2);
    if (!first.done) tf.dispose([first.value.x, first.value.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad batch size and inconsistent construction', () => {
    expect(() => [...numbered(3).batches({ batchSize: 0 })]).toThrow(ConfigError);
    expect(() => new MemorySplit(new Float32Array(7), new Int32Array(2), [2, 2, 1])).toThrow(RangeError);
  });

  it('yields nothing for an empty split', () => {
    expect([...new MemorySplit(new Float32Array(0), new Int32Array(0), [28, 28, 1]).batches({ batchSize: 8 })]).toEqual([]);
  });
});

describe('MemorySplit passes resumed mid-epoch', () => {
  it('starting at batch k yields exactly batches k… of the whole pass', () => {
    const split = numbered(10);
    const whole = pass(split, 3, 7);
    expect(pass(split, 3, 7, false, 2)).toEqual(whole.slice(6));
    expect(pass(split, 3, 7, false, 4)).toEqual([]);
  });
});

