/** Writes small IDX fixtures in the real on-disk format, for tests. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '@wus/core';
import { expect } from 'vitest';

/** IDX bytes: magic (type 0x08, `shape.length` dims), big-endian dims, then `values`. */
export function encodeIdx(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 | shape.length);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, header);
  return out;
}

export interface FixtureSet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

/**
 * `count` 28×28 images whose pixels are a function of index (so tests can recognise a sample)
 * and labels cycling through `numClasses`.
 */
export function makeFixtureSet(count: number, numClasses = 10, pixel = (i: number, p: number) => (i * 7 + p) % 256): FixtureSet {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++) for (let p = 0; p < 784; p++) images[i * 784 + p] = pixel(i, p);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % numClasses;
  return { images, labels, count };
}

/** Writes `<prefix>-images-idx3-ubyte[.gz]` and `<prefix>-labels-idx1-ubyte[.gz]` into `dir`. */
export async function writeIdxPair(dir: string, prefix: string, set: FixtureSet, gzip: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  const ext = gzip ? '.gz' : '';
  const enc = (b: Uint8Array): Uint8Array => (gzip ? gzipSync(b) : b);
  await writeFile(join(dir, `${prefix}-images-idx3-ubyte${ext}`), enc(encodeIdx([set.count, 28, 28], set.images)));
  await writeFile(join(dir, `${prefix}-labels-idx1-ubyte${ext}`), enc(encodeIdx([set.count], set.labels)));
}

/** The DatasetError `promise` rejects with; fails the test on any other outcome. */
export async function datasetError(promise: Promise<unknown>): Promise<DatasetError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return err as DatasetError;
}
