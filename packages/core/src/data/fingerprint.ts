import { createHash } from 'node:crypto';
import type { DatasetBundle, LabeledSplit } from './dataset.js';

/** What identifies the data a run trained on: a resumed run must see the same. */
export interface DatasetFingerprint {
  readonly name: string;
  readonly source: string;
  readonly numClasses: number;
  /** Samples per split (absent splits: 0). */
  readonly counts: { readonly train: number; readonly validation: number; readonly test: number };
  readonly sampleShape: readonly number[];
  /** SHA-256 over every split's samples and labels, in stored order, as the model sees them. */
  readonly digest: string;
}

function hashSplit(hash: ReturnType<typeof createHash>, split: LabeledSplit | undefined): void {
  if (split === undefined) return;
  for (const b of split.batches({ batchSize: 1000 })) {
    const x = b.x.dataSync() as Float32Array;
    const y = b.y.dataSync() as Int32Array;
    hash.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    hash.update(new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    b.x.dispose();
    b.y.dispose();
  }
}

/**
 * Fingerprints a data set: its counts and shape, and a digest of every sample as the trainer
 * receives it (after normalisation, padding, label mapping), so another data directory, a
 * different subset or other dataset options all show. One pass over the data (a second or two
 * for the 70 000 Fashion-MNIST images).
 */
export function fingerprintDataset(data: DatasetBundle): DatasetFingerprint {
  const hash = createHash('sha256');
  for (const split of [data.train, data.validation, data.test]) hashSplit(hash, split);
  return {
    name: data.name,
    source: data.source,
    numClasses: data.numClasses,
    counts: { train: data.train.count, validation: data.validation?.count ?? 0, test: data.test?.count ?? 0 },
    sampleShape: [...data.train.sampleShape],
    digest: hash.digest('hex'),
  };
}
