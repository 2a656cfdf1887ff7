import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { agreement, predictWithPlainTfjs } from '@wus/export-tfjs-layers/testing';
import { LocalRunStore } from '@wus/tracking';
import { describe, expect, it } from 'vitest';
import { TOKENS, createContainer, type Output } from '../src/container.js';
import { ExperimentRunner } from '../src/experiment/runner.js';
import { findSavedRun, restoreModel } from '../src/experiment/saved-model.js';
import { wus } from './capture.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const quiet: Output = { out: () => undefined, err: () => undefined, interactive: false };
const outDir = () => join(mkdtempSync(join(tmpdir(), 'wus-export-')), 'model');
/** A short real training run: 32 steps of 32, so the BatchNorm statistics move well away from 0 and 1. */
const TRAIN = ['train', '--limit', '1024', '--epochs', '1', '--batch-size', '32', '--val-fraction', '0.02'];

/**
 * Our model (restored from the run store as `wus evaluate` does) and the test images: the
 * first `count` of the run's test split, or all of it, with their labels.
 */
async function oursOnTestSplit(storeRoot: string, runId: string, count = Infinity) {
  const c = createContainer({ storeRoot, output: quiet });
  const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
  const { session, model } = await restoreModel(store, c.resolve(ExperimentRunner), await findSavedRun(store, runId, 'export'));
  const xs: Float32Array[] = [];
  const logits: Float32Array[] = [];
  const labels: Int32Array[] = [];
  let n = 0;
  for (const b of session.data.test!.batches({ batchSize: 500 })) {
    if (n < count) {
      const take = Math.min(b.size, count - n);
      xs.push((b.x.dataSync() as Float32Array).slice(0, (take * b.x.size) / b.size));
      logits.push((tf.tidy(() => model.forward(b.x, false)).dataSync() as Float32Array).slice(0, take * model.numClasses));
      labels.push((b.y.dataSync() as Int32Array).slice(0, take));
      n += take;
    }
    tf.dispose([b.x, b.y]);
  }
  const shape = [n, ...model.inputShape];
  const numClasses = model.numClasses;
  model.dispose();
  const join32 = (parts: Float32Array[]) => Float32Array.from(parts.flatMap((p) => [...p]));
  return { x: join32(xs), shape, logits: join32(logits), labels: Int32Array.from(labels.flatMap((l) => [...l])), numClasses };
}

async function trainAndExport(model: string[]) {
  const trained = await wus([...TRAIN, ...model]);
  expect(trained.code, trained.stderr).toBe(0);
  const [run] = await new LocalRunStore(trained.storeRoot).listRuns({});
  const out = outDir();
  const exported = await wus(['export', run!.runId.slice(0, 8), '--format', 'tfjs-layers', '--out', out], trained.storeRoot);
  expect(exported.code, exported.stderr).toBe(0);
  expect(exported.stdout).toContain(`written as a tfjs-layers model to ${out}`);
  expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
  return { storeRoot: trained.storeRoot, runId: run!.runId, out };
}

describe('wus export --format tfjs-layers: plain tfjs predicts what our model predicts', () => {
  it.each([
    ['MLP', ['--model', 'mlp']],
    ['LeNet-5', ['--model', 'lenet5']],
    ['VGG-11 (width 1/8, 32×32)', ['--model', 'vgg11', '--model-option', 'widthMultiplier=0.125', '--dataset-option', 'padTo=32']],
    ['ResNet-18 (width 1/8, 32×32)', ['--model', 'resnet18', '--model-option', 'widthMultiplier=0.125', '--dataset-option', 'padTo=32']],
  ])('%s: the same class on 300 test images, logits within 1e-4', async (name, model) => {
    const { storeRoot, runId, out } = await trainAndExport(model);
    const ours = await oursOnTestSplit(storeRoot, runId, 300);
    const theirs = await predictWithPlainTfjs(out, ours.x, ours.shape);
    const a = agreement(ours.logits, theirs.logits, ours.numClasses);
    console.log(`${name}: classes equal on ${a.sameClass}/${a.images}, max |Δlogit| ${a.maxAbsLogitDiff.toExponential(2)} (max |logit| ${a.maxAbsLogit.toFixed(2)}), ${a.distinctClasses} classes predicted`);
    expect(a.images).toBe(300);
    expect(a.distinctClasses).toBeGreaterThan(2);
    expect(a.sameClass).toBe(300);
    expect(a.maxAbsLogitDiff).toBeLessThan(1e-4);
    expect(theirs.metadata).toMatchObject({ wus: { runId, output: 'logits', inputShape: ours.shape.slice(1), classNames: expect.arrayContaining(['T-shirt/top']) } });
  });

  it('train → export → plain tfjs on the whole test split: the accuracy `wus evaluate` reports', async () => {
    const { storeRoot, runId, out } = await trainAndExport(['--model', 'vgg11', '--model-option', 'widthMultiplier=0.0625', '--dataset-option', 'padTo=32']);
    const evaluated = await wus(['evaluate', runId, '--json'], storeRoot);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const { testAccuracy, loggedTestAccuracy } = JSON.parse(evaluated.stdout) as { testAccuracy: number; loggedTestAccuracy: number };
    const test = await oursOnTestSplit(storeRoot, runId);
    const theirs = await predictWithPlainTfjs(out, test.x, test.shape);
    let correct = 0;
    for (let i = 0; i < test.labels.length; i++) {
      const row = theirs.logits.subarray(i * test.numClasses, (i + 1) * test.numClasses);
      if (row.indexOf(Math.max(...row)) === test.labels[i]) correct++;
    }
    console.log(`VGG-11 (width 1/16): plain tfjs ${correct}/${test.labels.length} correct; wus evaluate ${testAccuracy}`);
    expect(test.labels.length).toBe(10_000);
    // What training logged, what `wus evaluate` re-measured, and what plain tfjs measured.
    expect(testAccuracy).toBe(loggedTestAccuracy);
    expect(correct / test.labels.length).toBe(testAccuracy);
  });
});

describe('wus export: what it refuses (one line, nothing written)', () => {
  it('a study run, an unknown id, a non-empty --out, a missing or unknown --format', async () => {
    const c = await wus(['compare', '--limit', '256', '--epochs', '1', '-P', 'never']);
    expect(c.code, c.stderr).toBe(0);
    const runs = await new LocalRunStore(c.storeRoot).listRuns({});
    const study = runs.find((x) => x.parentRunId === null)!;
    const trial = runs.find((x) => x.parentRunId !== null)!;

    const out = outDir();
    const s = await wus(['export', study.runId, '--format', 'tfjs-layers', '--out', out], c.storeRoot);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^wus: error: run \S+ \(.*\) has no saved model: it is a study run, or it did not finish; export one of its trials\n$/);

    const u = await wus(['export', 'ffff0000', '--format', 'tfjs-layers', '--out', out], c.storeRoot);
    expect(u.code).toBe(5);
    expect(u.stderr).toMatch(/^wus: error: No run with id "ffff0000" in the run store at .*`wus runs`/);

    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const full = await wus(['export', trial.runId, '--format', 'tfjs-layers', '--out', out], c.storeRoot);
    expect(full.code).toBe(2);
    expect(full.stderr).toBe(`wus: error: ${out} exists and is not empty; choose a new directory to export to (nothing is overwritten)\n`);
    expect(readdirSync(out)).toEqual(['keep.txt']);

    const missing = await wus(['export', trial.runId], c.storeRoot);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--format <format>' not specified/);
    const onnx = await wus(['export', trial.runId, '--format', 'onnx'], c.storeRoot);
    expect(onnx.code).toBe(2);
    expect(onnx.stderr.trim()).toBe('wus: error: --format must be one of: tfjs-layers, got "onnx"; see `wus export --help`');
    for (const r of [s, u, full, missing, onnx]) expect(r.stdout).toBe('');
    expect(readdirSync(join(out, '..'))).toEqual(['model']);
  });

  it("a model with a layer the converter cannot express: exit 2 naming the layer, no directory", async () => {
    const plugin = join(FIXTURES, 'custom-layer-model.mjs');
    const trained = await wus([...TRAIN, '--plugin', plugin, '--model', 'scaled-mlp']);
    expect(trained.code, trained.stderr).toBe(0);
    const [run] = await new LocalRunStore(trained.storeRoot).listRuns({});
    const out = outDir();
    const r = await wus(['export', run!.runId, '--format', 'tfjs-layers', '--out', out], trained.storeRoot);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('wus: error'))).toEqual([
      'wus: error: model "scaled-mlp" cannot be exported to tfjs-layers: layer "scale_1" (scale): it does not describe itself (no config: not an nn layer)',
    ]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});
