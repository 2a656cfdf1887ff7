import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCifar10Fixture } from '@wus/datasets/testing';
import { describe, expect, it } from 'vitest';
import { expectStudy, wus } from './capture.js';

describe('wus compare on a generated CIFAR-10 fixture (exact binary format)', () => {
  it('trains VGG-11 baseline and WUS end to end with dataset options and records the study', async () => {
    // 5 × 8 training records (36 train + 4 validation), 8 test records; VGG-11 at 1/32 width, so
    // the run stays short even on tfjs's stock cpu kernels.
    const dir = await writeCifar10Fixture(mkdtempSync(join(tmpdir(), 'cifar10-fixture-')), { perBatch: 8, test: 8 });
    // A threshold of 1 (100 pp) makes every eligible epoch a window: F F S over 3 epochs.
    const r = await wus([
      'compare', '--model', 'vgg11', '--model-option', 'widthMultiplier=0.03125', '--dataset', 'cifar10', '--data-dir', dir,
      '--dataset-option', 'cropPadding=2', '--epochs', '3', '--batch-size', '12', '-P', 'never,wus', '-o', 'wus.threshold=1',
    ]);
    expect(r.stderr).toContain(`data: cifar10 from ${dir} (data dir option; 40 train / 8 test records) (36 train, 4 validation, 8 test)`);
    // wasm where it has a Conv2DBackpropFilter kernel (ours), else cpu; native backends where installed.
    expect(r.stderr).toMatch(/^backend: (wasm|cpu|tfjs-node|tfjs-node-gpu) \(/m);
    const { store, trials } = await expectStudy(r, '33.3');
    for (const t of trials) {
      const d = await store.getRun(t.runId);
      expect([d.tags['model'], d.tags['dataset']]).toEqual(['vgg11', 'cifar10']);
      expect(d.params['datasetOptions.cropPadding']).toBe('2');
      expect(d.metrics['val_accuracy']).toHaveLength(3);
    }
  });

  it('refuses a generic option passed as a dataset option, and a bad one, before training (exit 2)', async () => {
    const seed = await wus(['train', '--dataset-option', 'seed=3', '--limit', '256', '--epochs', '1']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/dataset option "seed" has its own setting: use --seed/);
    const pad = await wus(['train', '--model', 'vgg11', '--dataset-option', 'padTo=20', '--limit', '256', '--epochs', '1']);
    expect(pad.code).toBe(2);
    expect(pad.stderr).toMatch(/invalid options for dataset fashion-mnist: padTo/);
    const small = await wus(['train', '--model', 'vgg11', '--limit', '256', '--epochs', '1']);
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/model "vgg11" needs inputs of at least 32×32 .*got 28×28; pad the images, e.g. --dataset-option padTo=32/);
  });
});
