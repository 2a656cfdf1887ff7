import { open, stat } from 'node:fs/promises';
import { DatasetError } from '@wus/core';
import { CIFAR10_FORMAT, CIFAR100_FORMAT, CIFAR_CHANNELS, CIFAR_IMAGE_SIZE, CIFAR_PIXEL_BYTES, type CifarFormat, recordBytes } from './cifar-format.js';

/** Images of one or more CIFAR files, converted to the layout the models want. */
export interface CifarImages {
  readonly count: number;
  /** `count × 32 × 32 × 3` bytes, sample after sample, **HWC** (the files store CHW planes). */
  readonly pixels: Uint8Array;
  /** One array per label field of the format (CIFAR-100: coarse, fine), each `count` long. */
  readonly labels: readonly Uint8Array[];
}

/** A file's size as a whole number of records, or a DatasetError naming the file. */
async function recordCount(file: string, format: CifarFormat, howToFix: string): Promise<number> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new DatasetError(`file not found. ${howToFix}`, file);
  const size = info.size;
  const bytes = recordBytes(format);
  if (size === 0) throw new DatasetError(`empty file; expected ${format.title} records of ${bytes} bytes. ${howToFix}`, file);
  if (size % bytes !== 0) {
    const other = format === CIFAR10_FORMAT ? CIFAR100_FORMAT : CIFAR10_FORMAT;
    const hint =
      size % recordBytes(other) === 0
        ? ` Its size fits ${recordBytes(other)}-byte ${other.title} records: use --dataset ${other === CIFAR100_FORMAT ? 'cifar100' : 'cifar10'}.`
        : ' The file is truncated or not a CIFAR binary file; re-extract it from the "binary version" archive.';
    throw new DatasetError(
      `wrong size: ${size} bytes is not a whole number of ${bytes}-byte ${format.title} records ` +
        `(${format.labelFields.length} label byte${format.labelFields.length > 1 ? 's' : ''} + ${CIFAR_PIXEL_BYTES} pixel bytes): ` +
        `${Math.floor(size / bytes)} records and ${size % bytes} bytes left over.${hint}`,
      file,
    );
  }
  return size / bytes;
}

/**
 * Reads CIFAR binary files, in order, into one HWC byte array plus label arrays. Sizes are
 * checked before anything is read and the destination is allocated once; files are then read
 * one at a time, so the peak memory is the images once plus one file. Every label byte is
 * checked against its field's class count (a corrupt file shows up here).
 */
export async function readCifarFiles(files: readonly string[], format: CifarFormat, howToFix: string): Promise<CifarImages> {
  // One after another, so the first bad file in order is the one reported.
  const counts: number[] = [];
  for (const f of files) counts.push(await recordCount(f, format, howToFix));
  const count = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * CIFAR_PIXEL_BYTES);
  const labels = format.labelFields.map(() => new Uint8Array(count));
  const bytes = recordBytes(format);
  const planes = CIFAR_IMAGE_SIZE * CIFAR_IMAGE_SIZE;
  const labelBytes = format.labelFields.length;
  let at = 0;
  for (const [k, file] of files.entries()) {
    const n = counts[k]!;
    const data = await readWhole(file, n * bytes);
    for (let r = 0; r < n; r++) {
      const base = r * bytes;
      for (let f = 0; f < labelBytes; f++) {
        const value = data[base + f]!;
        const field = format.labelFields[f]!;
        if (value >= field.numClasses) {
          throw new DatasetError(
            `record ${r}: ${field.name} ${value} is out of range: ${format.title} has ${field.numClasses} ${field.name === 'label' ? 'classes' : `${field.name}s`} (0–${field.numClasses - 1}); the file is corrupt or not a ${format.title} binary file`,
            file,
          );
        }
        labels[f]![at + r] = value;
      }
      // CHW planes → HWC: pixel p of channel c moves from c·1024 + p to p·3 + c.
      const src = base + labelBytes;
      const dst = (at + r) * CIFAR_PIXEL_BYTES;
      for (let p = 0; p < planes; p++) {
        const o = dst + p * CIFAR_CHANNELS;
        pixels[o] = data[src + p]!;
        pixels[o + 1] = data[src + planes + p]!;
        pixels[o + 2] = data[src + 2 * planes + p]!;
      }
    }
    at += n;
  }
  return { count, pixels, labels };
}

/** The file's bytes; a file that shrank since it was measured is reported as truncated. */
async function readWhole(file: string, expected: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const data = new Uint8Array(expected);
    let read = 0;
    while (read < expected) {
      const { bytesRead } = await handle.read(data, read, expected - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (read !== expected) throw new DatasetError(`truncated while reading: expected ${expected} bytes, got ${read}`, file);
    return data;
  } finally {
    await handle.close();
  }
}
