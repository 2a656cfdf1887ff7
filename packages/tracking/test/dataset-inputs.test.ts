import { selectBackend } from '@wus/core';
import { arraySplit, toyDataset } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_SAMPLES, datasetInputs } from '../src/dataset-inputs.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('data-set inputs', () => {
  it('describes each split as MLflow logs a NumPy data set: source, tensor schema, profile, digest', () => {
    const data = { ...toyDataset({ count: 1200, sampleShape: [4, 4, 1], numClasses: 3, seed: 1 }), uri: '/data/toy' };
    const inputs = datasetInputs(data);
    expect(inputs.map((d) => [d.name, d.context, d.sourceType, d.source])).toEqual([
      ['toy', 'train', 'local', '{"uri":"/data/toy"}'],
      ['toy', 'validation', 'local', '{"uri":"/data/toy"}'],
      ['toy', 'test', 'local', '{"uri":"/data/toy"}'],
    ]);
    const [train] = inputs;
    expect(JSON.parse(train!.profile!)).toEqual({
      split: 'train',
      num_rows: 1200,
      num_classes: 3,
      features_shape: [1200, 4, 4, 1],
      features_size: 1200 * 16,
      targets_shape: [1200],
      targets_size: 1200,
    });
    const schema = JSON.parse(train!.schema!) as { mlflow_tensorspec: { features: string; targets: string } };
    expect(JSON.parse(schema.mlflow_tensorspec.features)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4, 4, 1] } }]);
    expect(JSON.parse(schema.mlflow_tensorspec.targets)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'int32', shape: [-1] } }]);
    for (const d of inputs) expect(d.digest).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(inputs.map((d) => d.digest)).size).toBe(3);
  });

  it('the digest follows the content: same data, same digest; other samples or size, another', () => {
    const digests = (seed: number, count: number) => datasetInputs(toyDataset({ count, sampleShape: [8], numClasses: 2, seed })).map((d) => d.digest);
    expect(digests(1, 1200)).toEqual(digests(1, 1200));
    expect(digests(2, 1200)[0]).not.toBe(digests(1, 1200)[0]);
    expect(DIGEST_SAMPLES).toBeLessThan(1200);
    expect(digests(1, 1300)[0]).not.toBe(digests(1, 1200)[0]); // same first samples, another size
    // Same labels and size, one pixel of one sample changed: another digest.
    const labels = new Int32Array(50).fill(1);
    const pixels = new Float32Array(50 * 4).fill(0.5);
    const changed = pixels.slice();
    changed[17] = 0.25;
    const one = (x: Float32Array) => datasetInputs({ name: 'd', numClasses: 2, train: arraySplit(x, labels, [4]), validation: undefined, test: undefined, source: 's' })[0]!.digest;
    expect(one(pixels)).toBe(one(pixels.slice()));
    expect(one(changed)).not.toBe(one(pixels));
  });

  it('without a directory the source is described, not a URI', () => {
    const [d] = datasetInputs(toyDataset({ count: 10, sampleShape: [2], numClasses: 2, seed: 1 }));
    expect([d?.sourceType, d?.source]).toEqual(['code', '{"description":"generated"}']);
  });
});
