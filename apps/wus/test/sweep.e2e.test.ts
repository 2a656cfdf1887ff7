import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopSignal } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';
import { wus } from './capture.js';

const QUICK = { model: 'mlp', limit: 512, epochs: 1, batchSize: 64, systemMetricsInterval: 0 };

/** A sweep file in a temp folder. */
function sweepFile(sweep: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wus-sweep-')), 'sweep.json');
  writeFileSync(file, JSON.stringify(sweep));
  return file;
}

afterEach(() => vi.unstubAllEnvs());

describe('wus sweep (embedded: trials run in this process)', () => {
  it('runs every trial once as a child of the sweep run, prints the results against each trial’s baseline and logs the Pareto plot', async () => {
    const file = sweepFile({ name: 'quick', base: QUICK, grid: { policy: ['never', { name: 'wus', options: { threshold: 0.5 } }], seed: [1, 2] } });
    const r = await wus(['sweep', '--config', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { sweepId, trials, results } = JSON.parse(r.stdout) as { sweepId: string; trials: { state: string }[]; results: { trial: string; comparison?: { timeSavedPct: number } }[] };
    expect(trials.map((t) => t.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(results.map((x) => x.trial)).toEqual(['policy=never seed=1', 'policy=never seed=2', 'policy=wus(threshold=0.5) seed=1', 'policy=wus(threshold=0.5) seed=2']);
    // Each wus trial against the never trial of its seed; baselines against themselves.
    expect(results[0]!.comparison!.timeSavedPct).toBe(0);
    expect(results[2]!.comparison).toBeDefined();

    const store = new LocalRunStore(r.storeRoot);
    const sweep = await store.getRun(sweepId);
    expect(sweep.info.status).toBe('FINISHED');
    expect(sweep.tags['wus.role']).toBe('sweep');
    expect(sweep.artifacts.map((a) => a.name)).toEqual(expect.arrayContaining(['sweep.json', 'results.txt', 'results.json', 'plots/pareto.svg', 'plots/pareto.png']));
    const children = await store.listRuns({ parentRunId: sweepId });
    expect(children).toHaveLength(4);
    const keys = await Promise.all(children.map(async (c) => (await store.getRun(c.runId)).tags['wus.sweep.trial']));
    expect(new Set(keys).size).toBe(4);

    const status = await wus(['sweep', 'status', sweepId.slice(0, 8)], r.storeRoot);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^sweep [0-9a-f]{8} "quick": 4 trials: 4 done, 0 running, 0 interrupted, 0 queued, 0 failed$/m);
    const results2 = await wus(['sweep', 'results', sweepId], r.storeRoot);
    expect(results2.stdout).toContain('policy=wus(threshold=0.5) seed=2');

    // Submitted again (--resume of a finished sweep is refused; the same file is a new sweep).
    const again = await wus(['sweep', '--resume', sweepId], r.storeRoot);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^wus: error: sweep [0-9a-f-]+ finished; there is nothing to resume/);
  });

  it('interrupted mid-trial and resumed: finished trials are kept, the open one goes on from its checkpoint, each trial has one run', async () => {
    const file = sweepFile({ base: { ...QUICK, epochs: 2 }, grid: { seed: [1, 2] } });
    const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
    // Ctrl-C once the second trial has finished its first epoch.
    const stop = new StopSignal();
    let stderr = '';
    const output: Output = { out: () => undefined, err: (t) => void ((stderr += `${t}\n`), /^seed=2 epoch {2}1\/2 /.test(t) && stop.request('SIGINT')), interactive: false };
    expect(await runCli(['sweep', '--config', file], { storeRoot, output, stop }), stderr).toBe(130);
    const store = new LocalRunStore(storeRoot);
    const sweepId = (await store.listRuns({})).find((r) => r.parentRunId === null)!.runId;
    expect(stderr).toMatch(new RegExp(`^wus: error: interrupted \\(SIGINT\\) after step \\d+ of epoch 2; resume with \`wus sweep --resume ${sweepId.slice(0, 8)}\`$`, 'm'));
    const status = await wus(['sweep', 'status', sweepId], storeRoot);
    expect(status.stdout).toMatch(/2 trials: 1 done, 0 running, 1 interrupted, 0 queued, 0 failed/);

    const resumed = await wus(['sweep', '--resume', sweepId.slice(0, 8)], storeRoot);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/^seed=1 epoch/m);
    expect(resumed.stderr).toMatch(/^seed=2: resuming run [0-9a-f]{8}: epoch 2, after step \d+$/m);
    const runs = await store.listRuns({ parentRunId: sweepId });
    expect(runs.map((r) => r.status)).toEqual(['FINISHED', 'FINISHED']);
    expect((await store.getRun(sweepId)).info.status).toBe('FINISHED');
  });

  it('a trial that diverges fails for good, once, with its error; the others finish', async () => {
    const file = sweepFile({ base: { ...QUICK, momentum: 0 }, grid: { lr: [0.05, 1e6] } });
    const r = await wus(['sweep', '--config', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { trials } = JSON.parse(r.stdout) as { trials: { label: string; state: string; detail: string }[] };
    expect(trials.map((t) => [t.label, t.state])).toEqual([['lr=0.05', 'done'], ['lr=1000000', 'failed']]);
    expect(trials[1]!.detail).toMatch(/training loss became (NaN|Infinity)/);
    expect(r.stderr.match(/trial lr=1000000: failed for good/g)).toHaveLength(1);
    const store = new LocalRunStore(r.storeRoot);
    const runs = (await store.listRuns({})).filter((x) => x.parentRunId !== null);
    expect(runs).toHaveLength(2);
    const failed = await store.getRun(runs.find((x) => x.name.includes('lr=1000000'))!.runId);
    expect(failed.info.status).toBe('FAILED');
    expect(failed.tags['wus.sweep.error']).toMatch(/training loss became/);
  });
});

describe('wus sweep: bad input, one line each, before anything trains', () => {
  const cases: [string, () => string[], number, RegExp][] = [
    ['an unknown key', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { lr: [0.1] }, gird: {} })], 2, /^wus: error: sweep config \S+: Unrecognized key: "gird"$/],
    ['an empty grid', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { lr: [] } })], 2, /^wus: error: sweep config \S+: grid\.lr: is empty: give at least one value$/],
    ['nothing to vary', () => ['sweep', '--config', sweepFile({ base: QUICK })], 2, /^wus: error: sweep config \S+: grid: the sweep is empty/],
    ['a grid key train does not know', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { learningRate: [0.1] } })], 2, /^wus: error: sweep config \S+: trial "learningRate=0\.1": Unrecognized key: "learningRate" \(base and grid keys/],
    ['an unknown policy', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { policy: ['never', 'wsu'] } })], 2, /^wus: error: sweep trial "policy=wsu": .*wsu/],
    ['a Redis that does not answer', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { lr: [0.1] } }), '--redis', 'redis://127.0.0.1:1'], 8, /^wus: error: Redis at redis:\/\/127\.0\.0\.1:1 does not answer \(ECONNREFUSED\); start redis-server there, or fix --redis \/ REDIS_URL$/],
    ['--workers without Redis', () => ['sweep', '--config', sweepFile({ base: QUICK, grid: { lr: [0.1] } }), '--workers', '2'], 2, /^wus: error: --workers 2 starts worker processes that take trials from Redis: give --redis URL/],
    ['a worker without Redis', () => ['worker'], 2, /^wus: error: wus worker needs the Redis its sweeps queue trials on: --redis URL \(or set REDIS_URL\)$/],
    ['a worker whose Redis does not answer', () => ['worker', '--redis', 'redis://127.0.0.1:1'], 8, /^wus: error: Redis at redis:\/\/127\.0\.0\.1:1 does not answer/],
    ['status of a run that is no sweep', () => ['sweep', 'status', '0000'], 2, /^wus: error: sweep 0000: /],
  ];
  it.each(cases)('%s', async (_what, args, code, message) => {
    vi.stubEnv('REDIS_URL', '');
    const r = await wus(args());
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await new LocalRunStore(r.storeRoot).listRuns({})).length).toBe(0);
  });

  it('an MLflow server that is down: said once, and the trials run into the local store (sent later, or by wus sync): none lost', async () => {
    vi.stubEnv('MLFLOW_TRACKING_URI', 'http://127.0.0.1:1');
    const r = await wus(['sweep', '--config', sweepFile({ base: QUICK, grid: { lr: [0.1] } })]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^mlflow: MLflow server http:\/\/127\.0\.0\.1:1 unreachable .*runs continue in the local store/gm)).toHaveLength(1);
    const runs = await new LocalRunStore(r.storeRoot).listRuns({});
    expect(runs.map((x) => x.status).sort()).toEqual(['FINISHED', 'FINISHED']);
  });

  it('a data set this machine lacks: the trial is retried (another worker may have it), then reported failed with the reason; no run is left half-made', async () => {
    const r = await wus(['sweep', '--config', sweepFile({ base: { ...QUICK, dataDir: '/nonexistent/fashion-mnist' }, grid: { lr: [0.1] } }), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { trials } = JSON.parse(r.stdout) as { trials: { state: string; detail: string }[] };
    expect(trials[0]!.state).toBe('failed');
    expect(trials[0]!.detail).toMatch(/nonexistent/);
    expect(r.stderr.match(/^trial lr=0\.1: .*nonexistent.*; it goes back to the queue$/gm)).toHaveLength(3);
    expect((await new LocalRunStore(r.storeRoot).listRuns({})).filter((x) => x.parentRunId !== null)).toHaveLength(0);
  });
});
