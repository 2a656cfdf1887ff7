import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError } from '@wus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabeledImages } from './labeled-images.js';
import { assertDataDir } from './locate.js';
import { datasetError, encodeIdx, makeFixtureSet, writeIdxPair } from './test-support/write-idx.js';

const OPTIONS = { numClasses: 10, rows: 28, cols: 28, howToFix: 'Pass --data-dir.' };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wus-pair-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}


describe('loadLabeledImages', () => {
  it.each([true, false])('loads an image/label pair (gzip: %s)', async (gzip) => {
    const dir = await freshDir(`ok-${gzip}`);
    const set = makeFixtureSet(25);
    await writeIdxPair(dir, 'train', set, gzip);
    const loaded = await loadLabeledImages(dir, 'train', OPTIONS);
    expect(loaded.count).toBe(25);
    expect([loaded.rows, loaded.cols]).toEqual([28, 28]);
    expect(loaded.pixels).toEqual(set.images);
    expect(loaded.labels).toEqual(set.labels);
  });

  it('rejects images of the wrong size', async () => {
    const dir = await freshDir('wrong-dims');
    await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdx([2, 32, 32], new Uint8Array(2 * 32 * 32)));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([2], [0, 1]));
    const err = await datasetError(loadLabeledImages(dir, 'train', OPTIONS));
    expect(err.message).toContain('train-images-idx3-ubyte: wrong dimensions: header declares 2×32×32 images, expected N×28×28');
  });

  it('rejects a label count that differs from the image count', async () => {
    const dir = await freshDir('count-mismatch');
    const set = makeFixtureSet(5);
    await writeIdxPair(dir, 't10k', set, true);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), encodeIdx([4], [0, 1, 2, 3]));
    const err = await datasetError(loadLabeledImages(dir, 't10k', OPTIONS));
    expect(err.message).toMatch(/t10k-labels-idx1-ubyte\.gz: holds 4 labels but .*t10k-images-idx3-ubyte\.gz holds 5 images/);
  });

  it('rejects a label outside the classes', async () => {
    const dir = await freshDir('bad-label');
    const set = makeFixtureSet(5);
    set.labels[3] = 10;
    await writeIdxPair(dir, 'train', set, false);
    const err = await datasetError(loadLabeledImages(dir, 'train', OPTIONS));
    expect(err.message).toContain('train-labels-idx1-ubyte: label 10 at index 3 is out of range: the dataset has 10 classes (0–9)');
  });

  it('names a missing file and how to get it', async () => {
    const dir = await freshDir('missing-labels');
    await writeIdxPair(dir, 'train', makeFixtureSet(2), true);
    const err = await datasetError(loadLabeledImages(dir, 't10k', OPTIONS));
    expect(err.message).toContain(join(dir, 't10k-images-idx3-ubyte(.gz)'));
    expect(err.message).toContain('file not found: expected t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte');
    expect(err.message).toContain('Pass --data-dir.');
  });

  it('names a missing directory and how to get it', async () => {
    const dir = join(root, 'does-not-exist');
    const err = await datasetError(assertDataDir(dir, 'Install dataset-fashion-mnist.'));
    expect(err.message).toBe(`${dir}: data directory not found. Install dataset-fashion-mnist.`);
  });
});
