/**
 * Small CIFAR files in the exact binary format, for tests here and in other projects (the real
 * data cannot be downloaded on our machines). Exported as `@wus/datasets/testing`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CIFAR100_FORMAT, CIFAR10_FORMAT, CIFAR_IMAGE_SIZE, CIFAR_PIXEL_BYTES, type CifarFormat, recordBytes } from '../cifar/cifar-format.js';

/** One record: its label bytes (format order) and 3072 pixel bytes as CHW planes, as on disk. */
export interface CifarRecord {
  readonly labels: readonly number[];
  readonly planes: Uint8Array;
}

/** Concatenated records, byte for byte as in `data_batch_*.bin` / `train.bin`. */
export function encodeCifarRecords(records: readonly CifarRecord[], format: CifarFormat = CIFAR10_FORMAT): Uint8Array {
  const bytes = recordBytes(format);
  const out = new Uint8Array(records.length * bytes);
  records.forEach((r, i) => {
    if (r.labels.length !== format.labelFields.length || r.planes.length !== CIFAR_PIXEL_BYTES) {
      throw new RangeError(`record ${i} does not fit the ${format.title} format`);
    }
    out.set(r.labels, i * bytes);
    out.set(r.planes, i * bytes + r.labels.length);
  });
  return out;
}

/**
 * The fixture's pixel value at channel `c`, row `y`, column `x` of sample `i`: recognisable
 * after any layout change (tests check the CHW → HWC conversion with it), and class-dependent
 * so a model can learn something: the channel `label % 3` is brighter.
 */
export function fixturePixel(i: number, label: number, c: number, y: number, x: number): number {
  return ((i * 7 + c * 50 + y * 3 + x) % 128) + (c === label % 3 ? 120 : 0);
}

function fixtureRecord(i: number, labels: readonly number[], classLabel: number): CifarRecord {
  const planes = new Uint8Array(CIFAR_PIXEL_BYTES);
  const n = CIFAR_IMAGE_SIZE;
  for (let c = 0; c < 3; c++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) planes[c * n * n + y * n + x] = fixturePixel(i, classLabel, c, y, x);
  return { labels, planes };
}

export interface Cifar10FixtureOptions {
  /** Records per `data_batch_k.bin` (the real files hold 10 000). Default 20. */
  readonly perBatch?: number;
  /** Records in `test_batch.bin`. Default 20. */
  readonly test?: number;
}

/**
 * Writes `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin` into `dir`. Training
 * record `i` (counting across the batches) has label `i % 10` and pixels `fixturePixel(i, …)`;
 * test records count from 0 again.
 */
export async function writeCifar10Fixture(dir: string, options: Cifar10FixtureOptions = {}): Promise<string> {
  const perBatch = options.perBatch ?? 20;
  await mkdir(dir, { recursive: true });
  for (let b = 0; b < 5; b++) {
    const records = Array.from({ length: perBatch }, (_, k) => {
      const i = b * perBatch + k;
      return fixtureRecord(i, [i % 10], i % 10);
    });
    await writeFile(join(dir, `data_batch_${b + 1}.bin`), encodeCifarRecords(records));
  }
  const test = Array.from({ length: options.test ?? 20 }, (_, i) => fixtureRecord(i, [i % 10], i % 10));
  await writeFile(join(dir, 'test_batch.bin'), encodeCifarRecords(test));
  return dir;
}

export interface Cifar100FixtureOptions {
  /** Records in `train.bin`. Default 200. */
  readonly train?: number;
  /** Records in `test.bin`. Default 100. */
  readonly test?: number;
}

/**
 * Writes `train.bin` and `test.bin` into `dir`: record `i` has fine label `i % 100` and coarse
 * label `i % 20` (the real fine→coarse mapping differs; nothing here depends on it).
 */
export async function writeCifar100Fixture(dir: string, options: Cifar100FixtureOptions = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  const make = (n: number) => Array.from({ length: n }, (_, i) => fixtureRecord(i, [i % 20, i % 100], i % 100));
  await writeFile(join(dir, 'train.bin'), encodeCifarRecords(make(options.train ?? 200), CIFAR100_FORMAT));
  await writeFile(join(dir, 'test.bin'), encodeCifarRecords(make(options.test ?? 100), CIFAR100_FORMAT));
  return dir;
}
