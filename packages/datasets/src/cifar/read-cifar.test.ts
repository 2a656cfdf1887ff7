import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetError } from '../idx/test-support/write-idx.js';
import { encodeCifarRecords, fixturePixel, writeCifar100Fixture, writeCifar10Fixture } from '../testing/cifar-fixture.js';
import { CIFAR100_FORMAT, CIFAR10_FORMAT, CIFAR_PIXEL_BYTES } from './cifar-format.js';
import { readCifarFiles } from './read-cifar.js';

const FIX = 'Get the binary version.';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wus-cifar-read-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(root, name);
  await writeFile(path, bytes);
  return path;
}

const record = (labels: number[]) => ({ labels, planes: new Uint8Array(CIFAR_PIXEL_BYTES) });

describe('readCifarFiles', () => {
  it('reads CIFAR-10 batches in order and turns CHW planes into HWC pixels', async () => {
    const dir = await writeCifar10Fixture(join(root, 'c10'), { perBatch: 3, test: 2 });
    const files = [1, 2, 3, 4, 5].map((k) => join(dir, `data_batch_${k}.bin`));
    const got = await readCifarFiles(files, CIFAR10_FORMAT, FIX);
    expect(got.count).toBe(15);
    expect(got.pixels).toHaveLength(15 * 3072);
    expect(Array.from(got.labels[0]!)).toEqual(Array.from({ length: 15 }, (_, i) => i % 10));
    for (const i of [0, 4, 14]) {
      for (const [y, x] of [[0, 0], [5, 17], [31, 31]] as const) {
        for (let c = 0; c < 3; c++) expect(got.pixels[i * 3072 + (y * 32 + x) * 3 + c]).toBe(fixturePixel(i, i % 10, c, y, x));
      }
    }
  });

  it('reads both CIFAR-100 labels: coarse then fine', async () => {
    const dir = await writeCifar100Fixture(join(root, 'c100'), { train: 30, test: 5 });
    const got = await readCifarFiles([join(dir, 'train.bin')], CIFAR100_FORMAT, FIX);
    expect(got.count).toBe(30);
    expect(Array.from(got.labels[0]!)).toEqual(Array.from({ length: 30 }, (_, i) => i % 20));
    expect(Array.from(got.labels[1]!)).toEqual(Array.from({ length: 30 }, (_, i) => i % 100));
  });

  it('rejects a truncated file, naming it, the record size and the leftover bytes', async () => {
    const bytes = encodeCifarRecords([record([1]), record([2])]);
    const file = await write('data_batch_1.bin', bytes.subarray(0, bytes.length - 100));
    const err = await datasetError(readCifarFiles([file], CIFAR10_FORMAT, FIX));
    expect(err.file).toBe(file);
    expect(err.message).toBe(
      `${file}: wrong size: 6046 bytes is not a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel bytes): ` +
        '1 records and 2973 bytes left over. The file is truncated or not a CIFAR binary file; re-extract it from the "binary version" archive.',
    );
  });

  it('recognises a CIFAR-100 file read as CIFAR-10 (and the reverse) by its size', async () => {
    const c100 = await write('train.bin', encodeCifarRecords([record([1, 2]), record([3, 4]), record([0, 0])], CIFAR100_FORMAT));
    expect((await datasetError(readCifarFiles([c100], CIFAR10_FORMAT, FIX))).message).toMatch(/fits 3074-byte CIFAR-100 records: use --dataset cifar100/);
    const c10 = await write('c10.bin', encodeCifarRecords([record([1]), record([3])]));
    expect((await datasetError(readCifarFiles([c10], CIFAR100_FORMAT, FIX))).message).toMatch(/fits 3073-byte CIFAR-10 records: use --dataset cifar10/);
  });

  it('rejects an empty file, a missing file and a label out of range', async () => {
    const empty = await write('empty.bin', new Uint8Array(0));
    expect((await datasetError(readCifarFiles([empty], CIFAR10_FORMAT, FIX))).message).toBe(`${empty}: empty file; expected CIFAR-10 records of 3073 bytes. ${FIX}`);
    const missing = join(root, 'nope', 'test_batch.bin');
    expect((await datasetError(readCifarFiles([missing], CIFAR10_FORMAT, FIX))).message).toBe(`${missing}: file not found. ${FIX}`);
    const bad = await write('bad.bin', encodeCifarRecords([record([3]), record([10])]));
    expect((await datasetError(readCifarFiles([bad], CIFAR10_FORMAT, FIX))).message).toContain(
      'bad.bin: record 1: label 10 is out of range: CIFAR-10 has 10 classes (0–9); the file is corrupt',
    );
    const badFine = await write('bad100.bin', encodeCifarRecords([record([19, 100])], CIFAR100_FORMAT));
    expect((await datasetError(readCifarFiles([badFine], CIFAR100_FORMAT, FIX))).message).toContain('record 0: fine label 100 is out of range: CIFAR-100 has 100 fine labels (0–99)');
  });
});
