import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectStudy, wus } from './capture.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveRealData = existsSync(FMNIST);

describe.skipIf(!haveRealData)('wus compare on the real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('trains baseline and WUS on the same data order, prints the table and records a study', async () => {
    // The code that runs (read first: a commit made while the test runs must not fail it).
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' }).trim();
    // A threshold of 1 (100 pp) makes every eligible epoch a window: F F S F over 4 epochs.
    const r = await wus(['compare', '--data-dir', FMNIST, '--limit', '2560', '--epochs', '4', '-P', 'never,wus', '-o', 'wus.threshold=1', '--backend', 'wasm']);
    expect(r.stderr).toMatch(/backend: wasm \(requested with --backend, wasm-simd( \+ onednn)? kernels/);
    expect(r.stdout.split('\n')[0]).toMatch(/^trial\s+train time\s+time saved\s+compute\s+compute saved\s+time to acc\s+test acc\s+Δ acc\s+skipped$/);
    const { store, trials } = await expectStudy(r, '25.0');
    for (const t of trials) {
      const d = await store.getRun(t.runId);
      const label = d.tags['wus.trial'];
      expect(t.experiment).toBe('wus-fashion-mnist'); // the default experiment: one per data set
      expect(d.tags['backend']).toBe('wasm');
      expect(d.tags['dataset.source']).toContain(FMNIST);
      // MLflow's standard tags: who, what, which code (the repository the CLI's files are in)
      expect(d.tags['mlflow.user']).toBe(userInfo().username);
      expect(d.tags['mlflow.source.type']).toBe('LOCAL');
      expect(d.tags['mlflow.source.name']).toMatch(/apps\/wus\/src\/main\.ts$/);
      expect(d.tags['mlflow.source.git.commit']).toBe(commit);
      expect(d.tags['mlflow.note.content']).toMatch(label === 'wus' ? /^\*\*wus\*\* — .*\n\nPolicy as configured: `wus\(/ : /^\*\*never\*\* — /);
      // epochs counted from 1: the steps of the 4 epochs are 1…4, the final metrics at 4 too
      expect(d.metrics['val_accuracy']!.map((p) => p.step)).toEqual([1, 2, 3, 4]);
      expect(d.metrics['test_accuracy']!.map((p) => p.step)).toEqual([4]);
      expect(d.latestMetrics['test_accuracy']).toBeGreaterThan(0.6);
      expect(d.latestMetrics['skipped_fraction']).toBe(label === 'wus' ? 0.25 : 0);
      // the comparison with the baseline, under the same keys on every trial
      expect(d.metrics['time_saved_pct']!.map((p) => p.step)).toEqual([4]);
      expect(d.latestMetrics['skipped_pct']).toBe(label === 'wus' ? 25 : 0);
      if (label === 'never') expect([d.latestMetrics['time_saved_pct'], d.latestMetrics['delta_accuracy_pp']]).toEqual([0, 0]);
      expect(d.artifacts.map((a) => a.name).sort()).toEqual(['config.json', 'plots/learning-curve.svg', 'weights/manifest.json', 'weights/weights.bin']);
      // the data set's splits as inputs, the weights as the run's model
      expect(d.inputs.map((i) => [i.name, i.context, JSON.parse(i.source), JSON.parse(i.profile!).num_rows])).toEqual([
        ['fashion-mnist', 'train', { uri: FMNIST }, 2560],
        ['fashion-mnist', 'validation', { uri: FMNIST }, 6000],
        ['fashion-mnist', 'test', { uri: FMNIST }, 10000],
      ]);
      expect(d.models).toMatchObject([{ name: 'mlp', artifactPath: 'weights', files: ['manifest.json', 'weights.bin'], step: 4 }]);
    }
    const [studyRun] = await store.listRuns({ parentRunId: null });
    const study = await store.getRun(studyRun!.runId);
    expect(study.info.name).toBe('compare mlp/fashion-mnist · never,wus · seed 42');
    expect(study.params['policy']).toBeUndefined(); // no stale single-policy param
    expect(study.params['policies']).toBeDefined();
    expect(study.tags['mlflow.note.content']).toMatch(/^Compares \*\*never\*\* \(baseline\), \*\*wus\*\* on \*\*mlp\*\* \/ \*\*fashion-mnist\*\*: how much training time/);
    expect(study.tags['mlflow.note.content']).toMatch(/## Results\n\n\| trial \| train time \|[^\n]*\n\|[-:| ]+\|\n\| never \|/);
    expect(study.artifacts.map((a) => a.name).sort()).toEqual(['comparison.json', 'comparison.txt', 'config.json', 'plots/comparison.png', 'plots/comparison.svg']);
    expect(study.inputs).toHaveLength(3);
    expect(Object.keys(study.metrics)).toEqual([]);
    // Same seed, same data order: the first two (full) epochs are identical in both trials.
    const [a, b] = await Promise.all(trials.map((t) => store.getRun(t.runId)));
    const values = (d: typeof a) => d!.metrics['loss']!.map((p) => p.value);
    expect(values(a).slice(0, 2)).toEqual(values(b).slice(0, 2));
    expect(values(a)[2]).not.toEqual(values(b)[2]);
  });

  it('interleaves trials, prints each resolved spec, takes same-name trials, nested -o and a control', async () => {
    const r = await wus([
      'compare', '--data-dir', FMNIST, '--limit', '1280', '--epochs', '3', '--control',
      '-P', 'never,wus,wus,wus-lr', '-o', 'wus_2.threshold=1', '-o', 'wus-lr.wus.threshold=1', '-o', 'wus.warmupEpochs=2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^trial wus: wus\(monitor=val_accuracy,threshold=0\.002,.*warmupEpochs=2,/m);
    expect(r.stderr).toMatch(/^trial wus_2: wus\(monitor=val_accuracy,threshold=1,.*warmupEpochs=2,/m);
    expect(r.stderr).toMatch(/^trial wus-lr: wus-lr\(.*inner=wus\(monitor=val_accuracy,threshold=1,/m);
    expect(r.stderr).toMatch(/^interleave: one epoch per trial per round, order rotating$/m);
    // Round-robin: every trial's epoch 1 comes before any trial's epoch 2, and round 2 starts with the second trial.
    const epochLines = r.stderr.split('\n').filter((l) => / epoch +\d\/3 /.test(l)).map((l) => l.split(' epoch')[0]! + ':' + /epoch +(\d)/.exec(l)![1]);
    expect(epochLines.slice(0, 5).every((l) => l.endsWith(':1'))).toBe(true);
    expect(epochLines[5]).toBe('wus:2');
    const rows = r.stdout.trim().split('\n');
    expect(rows.slice(2, 7).map((l) => l.split(/\s+/)[0])).toEqual(['never', 'wus', 'wus_2', 'wus-lr', 'control']);
    // threshold=1 (100 pp) makes epoch 3 a window for wus_2 and for wus-lr's inner wus; plain wus at τ 0.002 on a short run: no skip.
    expect(rows[4]).toMatch(/\s33\.3 %$/);
    expect(rows[5]).toMatch(/\s33\.3 %$/);
    expect(rows[6]).toMatch(/^control\s.*\s0\.0 %  .*\s\+0\.00 pp\s+0\.0 %$/);
    expect(rows[7]).toMatch(/^time to acc: /);
    expect(rows[8]).toMatch(/^control: identical work measured [+-]\d+\.\d % vs the baseline/);
  });

  it('layer-wise WUS freezes the front, and the compute it saves is counted from the kernels that ran', async () => {
    const r = await wus([
      'compare', '--data-dir', FMNIST, '--model', 'lenet5', '--limit', '1280', '--epochs', '3', '--json',
      '-P', 'never,wus', '-o', 'wus.scope=front', '-o', 'wus.frontShare=0.9', '-o', 'wus.threshold=1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wus epoch  3\/3 .* frozen depth<2, update all/m);
    const { rows } = JSON.parse(r.stdout) as { rows: { trial: string; computeSavedPct: number; gflops: number }[] };
    // One of three epochs trains the classifier only. It is the window's first, so the frozen
    // convolutions still run forward once per sample (filling the cache), but none of their
    // gradients do: ≈ 1.26 instead of 2.72 forward-passes' worth of FLOPs, 18 % of the run.
    expect(rows[1]!.computeSavedPct).toBeGreaterThan(15);
    expect(rows[1]!.computeSavedPct).toBeLessThan(33.4);
    expect(rows[0]!.gflops).toBeGreaterThan(rows[1]!.gflops);
  });

  it('leaves no tensor behind: a second comparison in the same process ends with as many tensors as the first', async () => {
    const args = ['compare', '--data-dir', FMNIST, '--limit', '640', '--epochs', '2', '-P', 'never,wus,progressive-freeze', '-o', 'wus.threshold=1'];
    expect((await wus(args)).code).toBe(0);
    const after1 = tf.memory();
    expect((await wus(args)).code).toBe(0);
    const after2 = tf.memory();
    expect(after2.numTensors).toBe(after1.numTensors);
    expect(after2.numBytes).toBe(after1.numBytes);
  });
});

describe.skipIf(!haveRealData)('layer-wise bad input: one line, exit 2, before any trial trains', () => {
  const quick = ['--data-dir', FMNIST, '--limit', '256', '--epochs', '1', '--model', 'lenet5'];
  it('a scope that freezes nothing', async () => {
    const r = await wus(['compare', ...quick, '-P', 'never,wus', '-o', 'wus.scope=front', '-o', 'wus.frontShare=0.05']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wus: scope "front" with frontShare=0.05 freezes no layer of lenet5: its first layer alone is \d+\.\d % of the forward cost; raise frontShare/);
    expect(r.stderr).not.toMatch(/epoch +1\/1/);
  });

  it('a cache budget that is not a positive size', async () => {
    for (const bad of ['-3', 'lots', '0MiB']) {
      const r = await wus(['train', ...quick, '--prefix-cache', bad]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr.trim()).toBe(`wus: error: --prefix-cache must be a positive size such as 512MiB or 2GiB (or "off"), got ${JSON.stringify(bad)}`);
    }
  });

  it('a plugin policy whose plan names an unknown group or a depth beyond the model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-plan-'));
    const file = join(dir, 'bad-plan.mjs');
    writeFileSync(
      file,
      `export default [
        { kind: 'skip-policy', name: 'weights', description: 'x', create: () => ({ description: 'weights', plan: () => ({ groups: ['weights'] }) }) },
        { kind: 'skip-policy', name: 'deep', description: 'x', create: () => ({ description: 'deep', plan: () => ({ groups: ['bias'], freezeBelowDepth: 9 }) }) },
      ];\n`,
    );
    const group = await wus(['compare', ...quick, '--plugin', file, '-P', 'never,weights']);
    expect(group.code).toBe(2);
    expect(group.stderr).toMatch(/policy "weights" returned an invalid plan: unknown parameter group "weights"; groups are weight, bias, norm-scale, norm-shift/);
    expect(group.stderr).not.toMatch(/epoch +1\/1/);
    const deep = await wus(['compare', ...quick, '--plugin', file, '-P', 'never,deep']);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/freezeBelowDepth 9 is outside the model's depths 0…5 \(lenet5 has 5 parameterised layers\)/);
  });
});
