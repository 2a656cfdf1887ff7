import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogram, splitContents } from '../test-support/split-contents.js';
import { loadFashionMnist } from './plugin.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bundled Fashion-MNIST subset', () => {
  it('is used when no directory is configured and nothing is installed, 600/100 images per class', async () => {
    const b = await loadFashionMnist({ validationFraction: 0.1, seed: 1 }, { env: {}, exists: () => false });
    expect(b.source).toMatch(/^bundled subset: 6000 train \/ 1000 test \(.*fashion-mnist-subset\/\)$/);
    expect([b.train.count, b.validation?.count, b.test.count]).toEqual([5400, 600, 1000]);
    expect(b.train.sampleShape).toEqual([28, 28, 1]);
    expect(histogram(splitContents(b.train).labels, 10)).toEqual(new Array(10).fill(540));
    expect(histogram(splitContents(b.validation!).labels, 10)).toEqual(new Array(10).fill(60));
    expect(histogram(splitContents(b.test).labels, 10)).toEqual(new Array(10).fill(100));
    // A class-balanced sample of Fashion-MNIST has roughly the full set's statistics.
    expect(b.normalization.mean).toBeGreaterThan(0.26);
    expect(b.normalization.mean).toBeLessThan(0.31);
    expect(b.normalization.std).toBeGreaterThan(0.33);
    expect(b.normalization.std).toBeLessThan(0.37);
  });
});
