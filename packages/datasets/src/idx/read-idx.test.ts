import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '@wus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGzip, readIdxFile } from './read-idx.js';
import { datasetError, encodeIdx } from './test-support/write-idx.js';

const IMAGES = { dims: 3, what: 'images' } as const;
const LABELS = { dims: 1, what: 'labels' } as const;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wus-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}


const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);

describe('readIdxFile', () => {
  it('reads raw and gzip files to the same values', async () => {
    const raw = encodeIdx([3, 28, 28], pixels);
    const a = await readIdxFile(await write('raw-images-idx3-ubyte', raw), IMAGES);
    const b = await readIdxFile(await write('gz-images-idx3-ubyte.gz', gzipSync(raw)), IMAGES);
    expect(a.shape).toEqual([3, 28, 28]);
    expect(b.shape).toEqual([3, 28, 28]);
    expect(Array.from(a.data)).toEqual(Array.from(pixels));
    expect(Array.from(b.data)).toEqual(Array.from(pixels));
  });

  it('detects gzip by magic bytes, not by file name', async () => {
    const raw = encodeIdx([4], [1, 2, 3, 4]);
    const gzNamedRaw = await readIdxFile(await write('raw-but-named.gz', raw), LABELS);
    const rawNamedGz = await readIdxFile(await write('gz-but-named-raw', gzipSync(raw)), LABELS);
    expect(Array.from(gzNamedRaw.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(rawNamedGz.data)).toEqual([1, 2, 3, 4]);
    expect(isGzip(gzipSync(raw))).toBe(true);
    expect(isGzip(raw)).toBe(false);
  });

  it('rejects a truncated file, naming declared and held sizes', async () => {
    const bytes = encodeIdx([3, 28, 28], pixels).subarray(0, 16 + 2000);
    const file = await write('train-images-idx3-ubyte.gz', gzipSync(bytes));
    const err = await datasetError(readIdxFile(file, IMAGES));
    expect(err.file).toBe(file);
    expect(err.message).toContain('train-images-idx3-ubyte.gz: truncated: header declares 3×28×28 = 2352 pixel bytes, file holds 2000');
  });

  it('rejects trailing bytes after the declared data', async () => {
    const bytes = new Uint8Array([...encodeIdx([2], [0, 1]), 9, 9]);
    const err = await datasetError(readIdxFile(await write('t10k-labels-idx1-ubyte', bytes), LABELS));
    expect(err.message).toContain('t10k-labels-idx1-ubyte: trailing bytes: header declares 2 = 2 label bytes, file holds 4');
  });

  it('rejects a header cut inside the dimensions', async () => {
    const bytes = encodeIdx([3, 28, 28], []).subarray(0, 10);
    const err = await datasetError(readIdxFile(await write('short-images', bytes), IMAGES));
    expect(err.message).toContain('short-images: truncated header: 3 dimensions need 16 header bytes, file holds 10');
  });

  it('rejects a labels file where images are expected (bad magic, wrong dims)', async () => {
    const err = await datasetError(readIdxFile(await write('swapped-images-idx3-ubyte', encodeIdx([2], [0, 1])), IMAGES));
    expect(err.message).toContain('swapped-images-idx3-ubyte: bad magic number 0x00000801');
    expect(err.message).toContain('header declares 1 dimensions; expected 0x00000803');
  });

  it('rejects a file that is not IDX at all', async () => {
    const err = await datasetError(readIdxFile(await write('notes.txt', new TextEncoder().encode('hello world')), IMAGES));
    expect(err.message).toMatch(/notes\.txt: bad magic number 0x68656c6c: not an IDX file/);
  });

  it('rejects a non-byte data type', async () => {
    const bytes = encodeIdx([1], [0]);
    bytes[2] = 0x0d; // float
    const err = await datasetError(readIdxFile(await write('float-labels', bytes), LABELS));
    expect(err.message).toContain('float-labels: bad magic number 0x00000d01: unsupported data type 0x0d');
  });

  it('rejects a file too short for a magic number', async () => {
    const err = await datasetError(readIdxFile(await write('tiny', new Uint8Array([0, 0])), LABELS));
    expect(err.message).toContain('tiny: not an IDX file: 2 bytes is too short');
  });

  it('rejects corrupt gzip data', async () => {
    const gz = gzipSync(encodeIdx([3, 28, 28], pixels));
    const corrupt = gz.slice();
    for (let i = 20; i < 40; i++) corrupt[i] = corrupt[i]! ^ 0xff;
    const err = await datasetError(readIdxFile(await write('corrupt-images-idx3-ubyte.gz', corrupt), IMAGES));
    expect(err.message).toContain('corrupt-images-idx3-ubyte.gz: gzip data is corrupt');
    const cut = await datasetError(readIdxFile(await write('cut-images-idx3-ubyte.gz', gz.subarray(0, gz.length - 30)), IMAGES));
    expect(cut.message).toContain('cut-images-idx3-ubyte.gz: gzip data is corrupt');
  });

  it('names the path of a file that cannot be read', async () => {
    const missing = join(dir, 'nope-idx1-ubyte');
    const err = await datasetError(readIdxFile(missing, LABELS));
    expect(err.message).toContain(`${missing}: cannot read file`);
  });
});
