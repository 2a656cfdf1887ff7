import { createHash } from 'node:crypto';
import type { DatasetBundle, LabeledSplit } from '@wus/core';
import type { DatasetInput } from './tracker.js';

/** Samples hashed into a split's digest (MLflow's own data sets digest a sample of their rows too). */
export const DIGEST_SAMPLES = 1000;

/**
 * The splits of a data set as MLflow data-set inputs, one per split (context `train`,
 * `validation`, `test`), in the form MLflow's Python client logs a NumPy data set: source
 * `{"uri": dir}`, schema `mlflow_tensorspec` (float32 samples, int32 labels), a profile with the
 * counts and shapes, and a digest of the split's size, shape and its first samples as the model
 * sees them (normalised) — two runs on the same files, split and normalisation share a digest.
 * Must run on the backend the trials use (it reads one batch).
 */
export function datasetInputs(data: DatasetBundle): DatasetInput[] {
  const splits: [string, LabeledSplit | undefined][] = [
    ['train', data.train],
    ['validation', data.validation],
    ['test', data.test],
  ];
  return splits.flatMap(([context, split]) => (split === undefined ? [] : [splitInput(data, context, split)]));
}

function splitInput(data: DatasetBundle, context: string, split: LabeledSplit): DatasetInput {
  const shape = [...split.sampleShape];
  const sampleSize = shape.reduce((a, b) => a * b, 1);
  const tensorSpec = (dtype: string, dims: number[]) => JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype, shape: dims } }]);
  return {
    name: data.name,
    digest: digest(split),
    sourceType: data.uri === undefined ? 'code' : 'local',
    source: JSON.stringify(data.uri === undefined ? { description: data.source } : { uri: data.uri }),
    schema: JSON.stringify({ mlflow_tensorspec: { features: tensorSpec('float32', [-1, ...shape]), targets: tensorSpec('int32', [-1]) } }),
    profile: JSON.stringify({
      split: context,
      num_rows: split.count,
      num_classes: data.numClasses,
      features_shape: [split.count, ...shape],
      features_size: split.count * sampleSize,
      targets_shape: [split.count],
      targets_size: split.count,
    }),
    context,
  };
}

function digest(split: LabeledSplit): string {
  const hash = createHash('sha256').update(JSON.stringify({ count: split.count, shape: split.sampleShape }));
  const batches = split.batches({ batchSize: Math.max(1, Math.min(DIGEST_SAMPLES, split.count)) })[Symbol.iterator]();
  const first = batches.next();
  if (first.done !== true) {
    const { x, y } = first.value;
    for (const t of [x, y]) {
      const v = t.dataSync();
      hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      t.dispose();
    }
  }
  batches.return?.(undefined);
  // 8 hex characters, as MLflow's digests.
  return hash.digest('hex').slice(0, 8);
}
