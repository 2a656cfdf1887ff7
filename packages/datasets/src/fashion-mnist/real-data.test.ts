import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { histogram, splitContents } from '../test-support/split-contents.js';
import { DEBIAN_FASHION_MNIST_DIR } from './data-dir.js';
import { fashionMnistPlugin } from './plugin.js';

// CI installs the Debian package dataset-fashion-mnist; elsewhere this end-to-end check is skipped.
const installed = existsSync(DEBIAN_FASHION_MNIST_DIR);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it.skipIf(!installed)(`loads all 70 000 images from ${DEBIAN_FASHION_MNIST_DIR} (skipped when it is absent)`, async () => {
    const started = performance.now();
    const b = await fashionMnistPlugin.create({ dataDir: DEBIAN_FASHION_MNIST_DIR, validationFraction: 0, seed: 1 });
    const seconds = (performance.now() - started) / 1000;
    expect(b.source).toBe(`${DEBIAN_FASHION_MNIST_DIR} (data dir option)`);
    expect([b.train.count, b.validation, b.test.count]).toEqual([60000, undefined, 10000]);
    expect(b.train.sampleShape).toEqual([28, 28, 1]);
    expect(b.normalization.mean).toBeCloseTo(0.286, 3);
    expect(b.normalization.std).toBeCloseTo(0.353, 3);
    const train = splitContents(b.train, 10000);
    expect(histogram(train.labels, 10)).toEqual(new Array(10).fill(6000));
    expect(train.mean).toBeCloseTo(0, 3);
    expect(train.std).toBeCloseTo(1, 3);
    expect(histogram(splitContents(b.test, 10000).labels, 10)).toEqual(new Array(10).fill(1000));
    const [first] = b.train.batches({ batchSize: 32, shuffleSeed: 1 });
    expect(first!.x.shape).toEqual([32, 28, 28, 1]);
    tf.dispose([first!.x, first!.y]);
    console.info(`real Fashion-MNIST loaded in ${seconds.toFixed(2)} s`);
    expect(seconds).toBeLessThan(10);
  });

  it.skipIf(!installed)('holds out a stratified 10 % validation split: 5400 + 600 per class', async () => {
    const b = await fashionMnistPlugin.create({ dataDir: DEBIAN_FASHION_MNIST_DIR, validationFraction: 0.1, seed: 1 });
    expect([b.train.count, b.validation?.count]).toEqual([54000, 6000]);
    expect(histogram(splitContents(b.train, 10000).labels, 10)).toEqual(new Array(10).fill(5400));
    expect(histogram(splitContents(b.validation!, 10000).labels, 10)).toEqual(new Array(10).fill(600));
  });
});
