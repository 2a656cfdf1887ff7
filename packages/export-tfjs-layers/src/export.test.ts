import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { nn, selectBackend, type Model } from '@wus/core';
import { scriptedAccuracyModel } from '@wus/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExportError, exportTfjsLayers } from './index.js';
import { writeDirectoryAtomic } from './save/model-dir.js';
import { agreement, perturbForExport, predictWithPlainTfjs } from './testing/index.js';

beforeAll(async () => {
  await selectBackend('auto');
});

const fresh = () => join(mkdtempSync(join(tmpdir(), 'export-')), 'model');

/** Every layer kind of core's nn, with the settings whose translation can go wrong. */
const MODELS: Record<string, () => Model> = {
  'every op, flatten head': () =>
    nn.sequential({
      name: 'every_op',
      inputShape: [12, 12, 3],
      numClasses: 5,
      seed: 3,
      layers: [
        nn.conv2d({ filters: 4, kernelSize: 3, padding: 1 }), // = 'same'
        nn.batchNorm(),
        nn.relu(),
        nn.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 1, useBias: false }), // needs ZeroPadding2D
        nn.batchNorm({ momentum: 0.8, epsilon: 1e-3 }),
        nn.tanh(),
        nn.maxPool({ size: 2, strides: 1, padding: 'same' }),
        nn.residual({ body: [nn.conv2d({ filters: 6, kernelSize: 3 }), nn.batchNorm(), nn.relu(), nn.conv2d({ filters: 6, kernelSize: 3, padding: 1 })], after: [nn.relu()] }),
        nn.basicBlock({ filters: 8, strides: 2 }), // 1×1 conv + BN projection shortcut
        nn.conv2d({ filters: 8, kernelSize: 3, dilation: 2, padding: 2 }),
        nn.avgPool({ size: 2, strides: 1 }),
        nn.dropout({ rate: 0.3 }),
        nn.flatten(),
        nn.dense({ units: 16 }),
        nn.relu(),
        nn.dense({ units: 5 }),
      ],
    }),
  'valid and asymmetric same convolutions, global pooling head': () =>
    nn.sequential({
      name: 'global_head',
      inputShape: [10, 10, 2],
      numClasses: 4,
      seed: 4,
      layers: [
        nn.conv2d({ filters: 5, kernelSize: 5, padding: 'valid' }),
        nn.avgPool({ size: 3, strides: 2, padding: 'same' }),
        nn.conv2d({ filters: 7, kernelSize: 1, padding: 0 }),
        nn.batchNorm(),
        nn.conv2d({ filters: 7, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
        nn.globalAvgPool(),
        nn.dense({ units: 4 }),
      ],
    }),
};

describe('exportTfjsLayers', () => {
  it.each(Object.keys(MODELS))('%s: plain tfjs loads it and predicts our logits', async (name) => {
    const model = MODELS[name]!();
    const x = tf.randomNormal([96, ...model.inputShape], 0, 1, 'float32', 11);
    perturbForExport(model, x, { seed: 5 });
    const before = (model.forward(x, false).dataSync() as Float32Array).slice();
    const dir = fresh();
    const tensors = tf.memory().numTensors;
    const result = await exportTfjsLayers(model, dir, { metadata: { note: 'hello' } });
    expect(tf.memory().numTensors).toBe(tensors);

    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    // Every parameter and every BatchNorm statistic, as float32.
    const stored = model.parameters.length + (model.state?.length ?? 0);
    const values = [...model.parameters.map((p) => p.variable), ...(model.state ?? [])].reduce((s, v) => s + v.size, 0);
    expect(json.weightsManifest[0].weights).toHaveLength(stored);
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(4 * values);
    expect(result.weightBytes).toBe(4 * values);

    const theirs = await predictWithPlainTfjs(dir, x.dataSync() as Float32Array, x.shape);
    expect(theirs.shape).toEqual([96, model.numClasses]);
    expect(theirs.metadata).toEqual({ note: 'hello' });
    const a = agreement(before, theirs.logits, model.numClasses);
    console.log(`${name}: classes equal on ${a.sameClass}/${a.images}, max |Δlogit| ${a.maxAbsLogitDiff.toExponential(2)} (max |logit| ${a.maxAbsLogit.toFixed(2)}), ${a.distinctClasses} classes predicted`);
    expect(a.distinctClasses).toBeGreaterThan(1);
    expect(a.sameClass).toBe(a.images);
    expect(a.maxAbsLogitDiff).toBeLessThan(1e-4);
    // The export shares values, not variables: our model is intact after the tfjs-layers model is gone.
    expect(model.forward(x, false).dataSync()).toEqual(before);
    model.dispose();
    x.dispose();
  });

  it('writes "same" convolutions where they are equivalent and ZeroPadding2D only where they are not', async () => {
    const model = MODELS['every op, flatten head']!();
    const dir = fresh();
    await exportTfjsLayers(model, dir);
    const layers = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).modelTopology.config.layers as { class_name: string; config: { name: string; padding?: unknown } }[];
    const pads = layers.filter((l) => l.class_name === 'ZeroPadding2D').map((l) => l.config.name);
    // The stem's stride-2 convolution and the block's first (stride-2) convolution; not its 1×1 projection.
    expect(pads).toEqual(['conv2d_2_pad', 'basic_block_1/conv2d_1_pad']);
    expect(layers.filter((l) => l.class_name === 'Add').map((l) => l.config.name)).toEqual(['residual_1/add', 'basic_block_1/add']);
    expect(layers.find((l) => l.config.name === 'conv2d_1')!.config.padding).toBe('same');
    expect(layers.find((l) => l.config.name === 'basic_block_1/shortcut/conv2d_1')!.config.padding).toBe('valid');
    model.dispose();
  });
});

describe('what cannot be exported fails clearly, and writes nothing', () => {
  /** A layer of a third-party model: trains fine, but says nothing of what it computes. */
  const scale: nn.LayerSpec = {
    type: 'scale',
    parameterised: false,
    build: (ctx) => ({ name: ctx.name, parameters: [], state: [], outputShape: ctx.inputShape, kernels: ['Multiply'], apply: (x) => tf.mul(x, 2) }),
  };

  /** One whose config names an operation core does not have (a JavaScript plugin's own). */
  const swish: nn.LayerSpec = {
    type: 'swish',
    parameterised: false,
    build: (ctx) => ({ ...scale.build(ctx), config: { op: 'swish' } as unknown as nn.LayerConfig }),
  };

  it.each([
    ['at the top level', [nn.flatten(), scale, nn.dense({ units: 3 })], /layer "scale_1" \(scale\): it does not describe itself/],
    ['with an unknown operation', [nn.flatten(), swish, nn.dense({ units: 3 })], /layer "swish_1" \(swish\): operation "swish" has no tfjs-layers counterpart here/],
    ['inside a residual block', [nn.residual({ body: [nn.conv2d({ filters: 2, kernelSize: 3 }), scale] }), nn.flatten(), nn.dense({ units: 3 })], /layer "residual_1\/scale_1" \(scale\)/],
  ])('a layer without a config, %s: an ExportError naming it', async (_where, layers, message) => {
    const model = nn.sequential({ name: 'custom', inputShape: [4, 4, 2], numClasses: 3, seed: 1, layers });
    const dir = fresh();
    const tensors = tf.memory().numTensors;
    const error = await exportTfjsLayers(model, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).code).toBe('CONFIG');
    expect((error as Error).message).toMatch(/^model "custom" cannot be exported to tfjs-layers: /);
    expect((error as Error).message).toMatch(message);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(readdirSync(join(dir, '..'))).toEqual([]);
    model.dispose();
  });

  it('a model not built from nn layers', async () => {
    const model = scriptedAccuracyModel({ inputSize: 3, numClasses: 2, labels: new Int32Array(1), accuracies: [1] });
    await expect(exportTfjsLayers(model, fresh())).rejects.toThrow(/model "scripted" cannot be exported: it does not expose its layers/);
    model.dispose();
  });

  it('refuses a non-empty directory or a file, leaving them untouched; fills an empty directory', async () => {
    const model = MODELS['valid and asymmetric same convolutions, global pooling head']!();
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    await expect(exportTfjsLayers(model, dir)).rejects.toThrow(new ExportError(`${dir} exists and is not empty; choose a new directory to export to (nothing is overwritten)`));
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    const file = join(dir, 'keep.txt');
    await expect(exportTfjsLayers(model, file)).rejects.toThrow(/exists and is a file/);
    expect(readFileSync(file, 'utf8')).toBe('mine');

    const empty = fresh();
    mkdirSync(empty);
    await exportTfjsLayers(model, empty);
    expect(readdirSync(empty).sort()).toEqual(['model.json', 'weights.bin']);
    // No temp directory left beside it.
    expect(readdirSync(join(empty, '..'))).toEqual(['model']);
    model.dispose();
  });

  it('a write that fails half-way leaves no directory and no temp directory', async () => {
    const dir = fresh();
    // The second file cannot be created (its folder does not exist) after the first was written.
    const files = new Map<string, Uint8Array | string>([['model.json', '{}'], ['missing/weights.bin', new Uint8Array(4)]]);
    await expect(writeDirectoryAtomic(dir, files)).rejects.toThrow(new RegExp(`^cannot write ${dir}: ENOENT`));
    expect(readdirSync(join(dir, '..'))).toEqual([]);
  });
});
