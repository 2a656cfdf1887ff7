import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, DatasetError, deriveSeed, isPlugin, pluginsOfModule } from '@wus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistPlugin } from '../fashion-mnist/plugin.js';
import * as pkg from '../index.js';
import { mnistPlugin } from '../mnist/plugin.js';
import { loadLabeledImages } from '../idx/labeled-images.js';
import { makeFixtureSet, writeIdxPair } from '../idx/test-support/write-idx.js';
import { pixelStatistics } from '../normalize/pixel-statistics.js';
import { padImages } from '../pad/pad-images.js';
import { holdOut } from '../split/hold-out.js';
import { histogram, splitContents } from '../test-support/split-contents.js';
import { VALIDATION_SEED_PURPOSE, loadMnistLikeBundle } from './load-bundle.js';

const SPEC = { name: 'fixture', classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], howToFix: 'Pass --data-dir.' };
const source = (): string => 'fixture';

let root: string;
let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'wus-bundle-'));
  dir = join(root, 'data');
  // Train images vary with the sample; test images are all white, so any leak of test data
  // into the statistics would move them far.
  await writeIdxPair(dir, 'train', makeFixtureSet(200), true);
  await writeIdxPair(dir, 't10k', makeFixtureSet(50, 10, () => 255), false);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadMnistLikeBundle', () => {
  it('splits train into train and validation and keeps test whole', async () => {
    const b = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.1, seed: 1 });
    expect([b.train.count, b.validation?.count, b.test.count]).toEqual([180, 20, 50]);
    expect(b.train.sampleShape).toEqual([28, 28, 1]);
    expect(b.numClasses).toBe(10);
    // Stratified: 2 of every class's 20 samples are held out.
    expect(histogram(splitContents(b.validation!).labels, 10)).toEqual(new Array(10).fill(2));
  });

  it('has no validation split for fraction 0, and limit keeps the first N training images', async () => {
    const b = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0, seed: 1, limit: 30 });
    expect(b.validation).toBeUndefined();
    expect(b.train.count).toBe(30);
    // No hold-out: the first 30 files' labels cycle 0..9.
    expect(Array.from(splitContents(b.train).labels)).toEqual(Array.from({ length: 30 }, (_, i) => i % 10));
    const limited = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.1, seed: 1, limit: 1000 });
    expect(limited.train.count).toBe(180);
  });

  it('is deterministic for a seed; another seed holds out other samples', async () => {
    const a = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.1, seed: 5 });
    const b = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.1, seed: 5 });
    const c = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.1, seed: 6 });
    expect(splitContents(a.validation!)).toEqual(splitContents(b.validation!));
    expect(splitContents(a.validation!).checksum).not.toBeCloseTo(splitContents(c.validation!).checksum, 3);
  });

  it('computes normalisation statistics from the training split only', async () => {
    const b = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0.2, seed: 3, limit: 100 });
    const files = await loadLabeledImages(dir, 'train', { numClasses: 10, rows: 28, cols: 28, howToFix: '' });
    const split = holdOut(files.labels, 10, { fraction: 0.2, seed: deriveSeed(3, VALIDATION_SEED_PURPOSE) });
    const want = pixelStatistics(files.pixels, split.train.subarray(0, 100), 784);
    expect(b.normalization.mean).toBeCloseTo(want.mean, 10);
    expect(b.normalization.std).toBeCloseTo(want.std, 10);
    expect(b.normalization.mean).not.toBeCloseTo(pixelStatistics(files.pixels, Array.from(files.labels.keys()), 784).mean, 4);
    // The training split is standardised to mean 0, std 1; the all-white test split is not.
    const train = splitContents(b.train);
    expect(train.mean).toBeCloseTo(0, 4);
    expect(train.std).toBeCloseTo(1, 4);
    expect(splitContents(b.test).mean).toBeCloseTo((1 - want.mean) / want.std, 4);
  });

  it('pads to padTo×padTo (centred, black) before computing statistics', async () => {
    const plain = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0, seed: 1, limit: 20 });
    const b = await loadMnistLikeBundle(SPEC, dir, source, { validationFraction: 0, seed: 1, limit: 20, padTo: 32 });
    expect(b.train.sampleShape).toEqual([32, 32, 1]);
    expect(b.test.sampleShape).toEqual([32, 32, 1]);
    const files = await loadLabeledImages(dir, 'train', { numClasses: 10, rows: 28, cols: 28, howToFix: '' });
    const padded = padImages(files.pixels, files.count, 28, 28, 32, 32);
    const want = pixelStatistics(padded, Array.from({ length: 20 }, (_, i) => i), 1024);
    expect(b.normalization).toEqual(want);
    expect(b.normalization.mean).toBeLessThan(plain.normalization.mean); // the black border counts
    const [first] = b.train.batches({ batchSize: 1 });
    const x = first!.x.dataSync();
    const black = (0 - want.mean) / want.std;
    expect(x[0]).toBeCloseTo(black, 5); // corner: padding
    expect(x[2 * 32 + 2]).toBeCloseTo((files.pixels[0]! / 255 - want.mean) / want.std, 5); // first original pixel
    tf.dispose([first!.x, first!.y]);
    const viaPlugin = await fashionMnistPlugin.create({ dataDir: dir, validationFraction: 0.1, seed: 1, padTo: 32 });
    expect(viaPlugin.train.sampleShape).toEqual([32, 32, 1]);
    await expect(fashionMnistPlugin.create({ dataDir: dir, validationFraction: 0.1, seed: 1, padTo: 20 })).rejects.toThrow(/padTo/);
  });

  it('reports a missing directory with the fix', async () => {
    const missing = join(root, 'nowhere');
    await expect(loadMnistLikeBundle(SPEC, missing, source, { validationFraction: 0.1, seed: 1 })).rejects.toThrow(
      new DatasetError('data directory not found. Pass --data-dir.', missing),
    );
  });
});

describe('dataset plugins', () => {
  it('are exported as plugins the core recognises', () => {
    expect(pkg.plugins.map((p) => p.name)).toEqual(['fashion-mnist', 'mnist', 'cifar10', 'cifar100']);
    expect(pluginsOfModule(pkg as unknown as Record<string, unknown>)).toEqual([fashionMnistPlugin, mnistPlugin, pkg.cifar10Plugin, pkg.cifar100Plugin]);
    for (const p of pkg.plugins) expect(isPlugin(p) && p.kind === 'dataset').toBe(true);
  });

  it('fashion-mnist loads from dataDir and says so in source', async () => {
    const b = await fashionMnistPlugin.create({ dataDir: dir, validationFraction: 0.1, seed: 1 });
    expect(b.name).toBe('fashion-mnist');
    expect(b.classNames[9]).toBe('Ankle boot');
    expect(b.source).toBe(`${dir} (data dir option)`);
  });

  it('mnist needs dataDir', async () => {
    await expect(mnistPlugin.create({ validationFraction: 0.1, seed: 1 })).rejects.toThrow(ConfigError);
    await expect(mnistPlugin.create({ validationFraction: 0.1, seed: 1 })).rejects.toThrow(/needs a data directory.*--data-dir/);
    const b = await mnistPlugin.create({ dataDir: dir, validationFraction: 0.1, seed: 1 });
    expect([b.name, b.train.count, b.source]).toEqual(['mnist', 180, `${dir} (data dir option)`]);
  });

  it.each([
    [{ validationFraction: 0.7, seed: 1 }, 'validationFraction'],
    [{ validationFraction: 0.1, seed: 1.5 }, 'seed'],
    [{ validationFraction: 0.1, seed: 1, limit: 0 }, 'limit'],
    [{ validationFraction: 0.1, seed: 1, dataDir: 3 }, 'dataDir'],
    [{ validationFraction: 0.1, seed: 1, validationFracton: 0.2 }, 'validationFracton'],
  ])('rejects bad options %j naming %s', async (options, name) => {
    const err = await fashionMnistPlugin.create({ dataDir: dir, ...options } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('invalid options for dataset fashion-mnist');
    expect((err as Error).message).toContain(name);
  });
});
