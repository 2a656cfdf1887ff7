import '@tensorflow/tfjs-backend-cpu';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DatasetError, deriveSeed } from '@wus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelStatistics } from '../normalize/channel-statistics.js';
import { VALIDATION_SEED_PURPOSE } from '../mnist-like/load-bundle.js';
import { holdOut } from '../split/hold-out.js';
import { histogram, splitContents } from '../test-support/split-contents.js';
import { writeCifar100Fixture, writeCifar10Fixture } from '../testing/cifar-fixture.js';
import { CIFAR100_COARSE_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './class-names.js';
import { cifar100Plugin, cifar10Plugin } from './plugin.js';
import { readCifarFiles } from './read-cifar.js';
import { CIFAR10_FORMAT } from './cifar-format.js';

let root: string;
let c10: string;
let c100: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'wus-cifar-'));
  c10 = await writeCifar10Fixture(join(root, 'cifar-10-batches-bin'), { perBatch: 20, test: 30 });
  c100 = await writeCifar100Fixture(join(root, 'c100'), { train: 200, test: 40 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = { validationFraction: 0.1, seed: 1 };

/** The first batch of a pass, as numbers; disposes the tensors. */
function firstBatch(split: { batches: (o: { batchSize: number; shuffleSeed?: number }) => Iterable<{ x: tf.Tensor; y: tf.Tensor }> }, shuffleSeed?: number) {
  const [b] = split.batches({ batchSize: 16, ...(shuffleSeed === undefined ? {} : { shuffleSeed }) });
  const out = { x: Array.from(b!.x.dataSync()), y: Array.from(b!.y.dataSync()) };
  tf.dispose([b!.x, b!.y]);
  return out;
}

describe('cifar10 plugin', () => {
  it('loads the five training batches and the test batch, holds out a stratified validation split', async () => {
    const b = await cifar10Plugin.create({ dataDir: c10, ...base });
    expect(b.name).toBe('cifar10');
    expect(b.numClasses).toBe(10);
    expect(b.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect([b.train.count, b.validation?.count, b.test.count]).toEqual([90, 10, 30]);
    expect(b.train.sampleShape).toEqual([32, 32, 3]);
    expect(histogram(b.validation!.labels(), 10)).toEqual(new Array(10).fill(1));
    expect(b.source).toBe(`${c10} (data dir option; 100 train / 30 test records)`);
    expect(b.augmentation).toEqual({ cropPadding: 4, flip: true });
  });

  it('finds the files in the folder the archive extracts to (cifar-10-batches-bin)', async () => {
    const b = await cifar10Plugin.create({ dataDir: root, ...base });
    expect(b.source).toContain(c10);
  });

  it('normalises per channel with the training split only; validation and test use the same numbers', async () => {
    const b = await cifar10Plugin.create({ dataDir: c10, ...base, augment: false, limit: 50 });
    const files = await readCifarFiles([1, 2, 3, 4, 5].map((k) => join(c10, `data_batch_${k}.bin`)), CIFAR10_FORMAT, '');
    const split = holdOut(files.labels[0]!, 10, { fraction: 0.1, seed: deriveSeed(1, VALIDATION_SEED_PURPOSE) });
    expect(b.normalization).toEqual(channelStatistics(files.pixels, split.train.subarray(0, 50), 1024, 3));
    expect(b.train.count).toBe(50);
    const train = splitContents(b.train);
    expect(train.mean).toBeCloseTo(0, 4);
    expect(train.std).toBeCloseTo(1, 1); // per channel 1; pooled over channels close to it
    // Train and validation index one shared byte array: the set is never held twice.
    expect(b.validation!.images).toBe(b.train.images);
    expect(b.train.images.pixels).toBeInstanceOf(Uint8Array);
  });

  it('augments training batches only, reproducibly per pass seed', async () => {
    const b = await cifar10Plugin.create({ dataDir: c10, ...base });
    const plain = await cifar10Plugin.create({ dataDir: c10, ...base, augment: false });
    const a = firstBatch(b.train, 5);
    expect(firstBatch(b.train, 5)).toEqual(a);
    expect(firstBatch(b.train, 6).x).not.toEqual(a.x);
    const unaugmented = firstBatch(plain.train, 5);
    expect(unaugmented.y).toEqual(a.y); // same order, other pixels
    expect(unaugmented.x).not.toEqual(a.x);
    // Evaluation splits are never augmented.
    expect(firstBatch(b.validation!)).toEqual(firstBatch(plain.validation!));
    expect(firstBatch(b.test)).toEqual(firstBatch(plain.test));
    // Flip only: every augmented sample is the sample or its mirror image.
    const flipOnly = await cifar10Plugin.create({ dataDir: c10, ...base, cropPadding: 0 });
    const f = firstBatch(flipOnly.train, 5);
    for (let k = 0; k < 16; k++) {
      const got = f.x.slice(k * 3072, (k + 1) * 3072);
      const orig = unaugmented.x.slice(k * 3072, (k + 1) * 3072);
      const mirrored = orig.map((_, j) => {
        const [y, x, c] = [Math.floor(j / 96), Math.floor(j / 3) % 32, j % 3];
        return orig[(y * 32 + 31 - x) * 3 + c]!;
      });
      expect([orig, mirrored]).toContainEqual(got);
    }
  });

  it('needs a data directory and says where to get the files', async () => {
    const err = await cifar10Plugin.create({ ...base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/dataset cifar10 needs a data directory.*CIFAR-10 binary version.*cs\.toronto\.edu\/~kriz\/cifar\.html.*--data-dir/);
    const missing = join(root, 'nowhere');
    await expect(cifar10Plugin.create({ dataDir: missing, ...base })).rejects.toThrow(new RegExp(`^${missing}: data directory not found`));
  });

  it('names a missing file and recognises the Python version', async () => {
    const dir = join(root, 'cifar-10-batches-py');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'data_batch_1'), 'pickle');
    const err = await cifar10Plugin.create({ dataDir: dir, ...base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).file).toBe(join(dir, 'test_batch.bin'));
    expect((err as Error).message).toMatch(/test_batch\.bin: file not found\. .*seems to hold the Python version; download the "binary version" instead\./);
  });

  it.each([
    [{ labels: 'coarse' }, 'labels'],
    [{ cropPadding: 20 }, 'cropPadding'],
    [{ augmnet: false }, 'augmnet'],
    [{ validationFraction: 0.9 }, 'validationFraction'],
  ])('rejects bad options %j naming %s', async (extra, name) => {
    const err = await cifar10Plugin.create({ dataDir: c10, ...base, ...extra } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('invalid options for dataset cifar10');
    expect((err as Error).message).toContain(name);
  });
});

describe('cifar100 plugin', () => {
  it('trains on the 100 fine labels by default', async () => {
    const b = await cifar100Plugin.create({ dataDir: c100, ...base });
    expect([b.numClasses, b.classNames.length, b.classNames[0], b.classNames[99]]).toEqual([100, 100, 'apple', 'worm']);
    expect([b.train.count, b.validation?.count, b.test.count]).toEqual([180, 20, 40]);
    expect(Array.from(b.test.labels()).slice(0, 3)).toEqual([0, 1, 2]);
    expect(Math.max(...b.test.labels())).toBe(39);
  });

  it('or on the 20 coarse labels with labels: coarse', async () => {
    const b = await cifar100Plugin.create({ dataDir: c100, ...base, labels: 'coarse' });
    expect(b.numClasses).toBe(20);
    expect(b.classNames).toEqual(CIFAR100_COARSE_CLASS_NAMES);
    expect(histogram(b.test.labels(), 20)).toEqual(new Array(20).fill(2));
  });
});
