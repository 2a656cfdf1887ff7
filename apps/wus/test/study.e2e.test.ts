import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeCifar100Fixture, writeCifar10Fixture } from '@wus/datasets/testing';
import { describeWithServer, requireServer, testClient, uniqueName } from '@wus/mlflow-js/testing';
import { LocalRunStore } from '@wus/tracking';
import { afterAll, beforeAll, expect, it } from 'vitest';
import YAML from 'yaml';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'wus-study-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// The study's scripts run on the built CLI and @wus/tracking, as `bash tools/study/run.sh` (which
// builds them first) runs them; the tests of a clean clone start without any dist/.
beforeAll(async () => {
  await exec('npx', ['nx', 'run', '@wus/cli:build', '--outputStyle=static'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, maxBuffer: 64 * 1024 * 1024 });
}, 300_000);

/** Runs a tools/study script as the README does, with the study's store and MLflow in `env`. */
async function tool(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    const r = await exec(process.execPath, [join(root, 'tools/study', script), ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

describeWithServer('the study tools (tools/study) on generated CIFAR-10 and CIFAR-100 fixtures (exact binary format)', () => {
  it('run.mjs trains every part × seed once, logged to MLflow with the study tags; report.mjs writes RESULTS.md and plots from the store alone', async () => {
    const s = requireServer();
    const cifar10 = await writeCifar10Fixture(join(tmp, 'cifar10'), { perBatch: 8, test: 8 });
    const cifar100 = await writeCifar100Fixture(join(tmp, 'cifar100'), { train: 40, test: 8 });
    const study = uniqueName('study');
    // The real plan's shape at toy size: VGG-11 at 1/32 width, 3 epochs; a threshold of 1 makes
    // every eligible epoch a WUS window (F F S), so skipping really happens.
    const vgg = { model: 'vgg11', modelOptions: { widthMultiplier: 0.03125 } };
    const plan = {
      study,
      common: { dataset: 'cifar10', dataDir: cifar10, validationFraction: 0.1, epochs: 3, batchSize: 12, lr: 0.05, lrSchedule: 'cosine', testEveryEpoch: true, systemMetricsInterval: 0, keepCheckpoints: 1 },
      parts: [
        // The budget curve on CIFAR-100 (coarse labels): the other binary format, through the same tools.
        {
          id: 'cifar100-budget',
          kind: 'budget',
          seeds: [1],
          config: { ...vgg, dataset: 'cifar100', dataDir: cifar100, datasetOptions: { labels: 'coarse' }, epochs: 4, lrSchedule: 'constant' },
          trials: [{ label: 'never', title: 'baseline', spec: 'never' }],
        },
        {
          id: 'vgg-main',
          kind: 'main',
          seeds: [1, 2],
          config: vgg,
          trials: [
            { label: 'never', title: 'baseline', spec: 'never' },
            { label: 'wus', title: 'WUS (paper)', setting: 'biases τ 1', spec: { name: 'wus', options: { threshold: 1 } } },
          ],
        },
        {
          // The ablation, with the main part's trials of seed 1 beside its own.
          id: 'vgg-ablation',
          kind: 'ablation',
          seeds: [1],
          alsoFrom: 'vgg-main',
          config: vgg,
          trials: [
            { label: 'never', title: 'baseline', spec: 'never' },
            { label: 'wus', title: 'front τ 1', spec: { name: 'wus', options: { threshold: 1, scope: 'front', frontShare: 0.5 } } },
          ],
        },
      ],
    };
    const planFile = join(tmp, 'plan.yaml');
    writeFileSync(planFile, YAML.stringify(plan));
    const env = { WUS_HOME: join(tmp, 'home'), MLFLOW_TRACKING_URI: s.uri, MLFLOW_TRACKING_USERNAME: s.username ?? '', MLFLOW_TRACKING_PASSWORD: s.password ?? '' };

    // Piecewise: one part first, then the rest; the part already recorded is not trained again.
    const first = await tool('run.mjs', ['--plan', planFile, '--parts', 'vgg-main', '--seeds', '1'], env);
    expect(first.code, first.stderr).toBe(0);
    const rest = await tool('run.mjs', ['--plan', planFile], env);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stderr).toMatch(/study: vgg-main seed 1: recorded \(study run [0-9a-f]{8}\), not trained again/);
    expect(rest.stderr.match(/: training — /g)).toHaveLength(3);
    const again = await tool('run.mjs', ['--plan', planFile], env);
    expect(again.stderr).not.toMatch(/: training — /);
    expect(again.stderr.match(/not trained again/g)).toHaveLength(4);

    // Every trial is in the local store and in MLflow, tagged as part of the study.
    const store = new LocalRunStore(join(tmp, 'home', 'runs'));
    const local = await store.listRuns({ experiment: study });
    expect(local).toHaveLength((1 + 1) + 2 * (1 + 2) + (1 + 2)); // each comparison: its study run and its trials
    const client = testClient();
    const experiment = (await client.experiments.getByName(study))!;
    const remote = await client.runs.searchAll({ experimentIds: [experiment.experimentId], filter: `tags.study = '${study}'` });
    expect(remote).toHaveLength(local.length);
    const parts = remote.map((r) => r.data.tags['study.part']);
    expect(new Set(parts)).toEqual(new Set(['cifar100-budget', 'vgg-main', 'vgg-ablation']));
    for (const t of local.filter((r) => r.parentRunId !== null)) {
      const d = await store.getRun(t.runId);
      // Test accuracy after every epoch, at the epochs' steps.
      expect(d.metrics['test_accuracy']!.map((p) => p.step)).toEqual(d.metrics['val_accuracy']!.map((p) => p.step));
    }

    // The report reads the store only (no server), and writes the page and its plots.
    const out = join(tmp, 'docs', 'RESULTS.md');
    mkdirSync(join(tmp, 'docs'));
    const report = await tool('report.mjs', ['--plan', planFile, '--out', out], { WUS_HOME: join(tmp, 'home'), MLFLOW_TRACKING_URI: '' });
    expect(report.code, report.stderr).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^\| vgg-main \| main \| vgg11 ×0\.03125 \| 2 \| 1, 2 \|  \|  \|$/m);
    // 2 seeds: mean ± std; WUS skipped the 3rd epoch of 3 in both.
    expect(page).toMatch(/^\| vgg11 ×0\.03125 \| WUS \(paper\) \| 2 \| [0-9.]+ ± [0-9.]+ \| -?[0-9.]+ ± [0-9.]+ \| .* \| 33\.3 ± 0\.0 \|$/m);

    expect(page).toMatch(/^\| cifar100-budget \| budget \| vgg11 ×0\.03125 on cifar100 \| 1 \| 1 \|  \|  \|$/m);
    expect(page).toMatch(/^\| epoch \| 1 \| 2 \| 3 \| 4 \|$/m);
    // The ablation: its own trial and the main part's, by setting; the Pareto front marked.
    expect(page).toMatch(/^\| front τ 1 \| /m);
    expect(page).toMatch(/^\| biases τ 1 \| .* \| 33\.3 \| (\*\*yes\*\*)? \|$/m);
    expect(page).toMatch(/\*\*yes\*\*/);
    for (const f of ['tradeoff.svg', 'tradeoff.png', 'ablation.svg', 'ablation.png']) expect(existsSync(join(tmp, 'docs', 'results', f)), f).toBe(true);
  }, 600_000);
});
