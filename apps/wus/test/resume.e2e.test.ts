import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopSignal } from '@wus/core';
import { server, testClient } from '@wus/mlflow-js/testing';
import { LocalRunStore } from '@wus/tracking';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';
import { checkpoints, spawnCli, until, wus } from './capture.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  vi.unstubAllEnvs();
});

/** Every metric point of a run, as (key, step) → values, from the raw journal: duplicates show. */
function journal(storeRoot: string, experiment: string, runId: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of readFileSync(join(storeRoot, experiment, runId, 'metrics.jsonl'), 'utf8').trim().split('\n')) {
    const p = JSON.parse(line) as { key: string; step: number; value: number | string };
    const id = `${p.key}@${p.step}`;
    out.set(id, [...(out.get(id) ?? []), Number(p.value)]);
  }
  return out;
}

/** Keys whose values depend on timing, not on what was trained. */
const timed = (key: string) => /time/.test(key);

const ARGS = ['train', '--model', 'lenet5', '--limit', '4000', '--epochs', '3', '--batch-size', '32', '--checkpoint-steps', '25', '--backend', 'wasm', '-p', 'progressive-freeze', '-o', 'progressive-freeze.warmupEpochs=1', '-o', 'progressive-freeze.threshold=0.9'];

describe('wus train --resume after SIGKILL', () => {
  it('SIGKILLed mid-epoch and resumed: final weights bit-identical to an uninterrupted run, the same metric history locally and in MLflow, each point once', async () => {
    const mlflow: Record<string, string> =
      server === null
        ? {}
        : { MLFLOW_TRACKING_URI: server.uri, ...(server.username === null ? {} : { MLFLOW_TRACKING_USERNAME: server.username, MLFLOW_TRACKING_PASSWORD: server.password! }) };
    const experiment = `resume-${process.pid}-${Date.now()}`;
    // The reference: the same run, never interrupted.
    const refRoot = mkdtempSync(join(tmpdir(), 'wus-ref-'));
    const ref = spawnCli([...ARGS, '--experiment', `${experiment}-ref`], { WUS_HOME: refRoot, ...mlflow });
    children.push(ref.child);
    const refCode = await new Promise<number | null>((r) => ref.child.on('exit', r));
    expect(refCode, ref.stderr()).toBe(0);

    const home = mkdtempSync(join(tmpdir(), 'wus-killed-'));
    const killed = spawnCli([...ARGS, '--experiment', experiment], { WUS_HOME: home, ...mlflow });
    children.push(killed.child);
    const storeRoot = join(home, 'runs');
    // Epoch 2 (the prefix of LeNet-5 frozen from there on, its output cached), 25 of 125 steps in.
    await until('a mid-epoch checkpoint of epoch 2', () => checkpoints(storeRoot, experiment).some((p) => p.epochsDone === 1 && p.stepInEpoch > 0));
    killed.child.kill('SIGKILL');
    await new Promise((r) => killed.child.on('exit', r));
    const store = new LocalRunStore(storeRoot);
    const [run] = await store.listRuns({ experiment });
    expect(run!.displayStatus).toBe('RUNNING (process gone)');
    const last = checkpoints(storeRoot, experiment).at(-1)!;
    expect(last.epochsDone).toBe(1);
    expect(last.stepInEpoch).toBeGreaterThan(0);

    for (const [k, v] of Object.entries(mlflow)) vi.stubEnv(k, v);
    const resumed = await wus(['train', '--resume', run!.runId.slice(0, 6)], storeRoot);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming run ${run!.runId.slice(0, 8)}: epoch 2, after step \\d+`));

    const refStore = new LocalRunStore(join(refRoot, 'runs'));
    const [refRun] = await refStore.listRuns({});
    const weights = (s: LocalRunStore, id: string) => s.readArtifact(id, 'weights/weights.bin');
    expect(Buffer.compare(await weights(store, run!.runId), await weights(refStore, refRun!.runId))).toBe(0);

    const a = journal(storeRoot, experiment, run!.runId);
    const b = journal(join(refRoot, 'runs'), `${experiment}-ref`, refRun!.runId);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [id, values] of a) {
      expect(values, id).toHaveLength(1);
      if (!timed(id)) expect(values, id).toEqual(b.get(id));
    }
    expect((await store.getRun(run!.runId)).info.status).toBe('FINISHED');

    if (server === null) return;
    const client = testClient();
    const remote = async (exp: string, localId: string) => {
      const e = await client.experiments.getByName(exp);
      const [r] = await client.runs.searchAll({ experimentIds: [e!.experimentId], filter: `tags.\`wus.localRunId\` = '${localId}'` });
      return r!;
    };
    const mine = await remote(experiment, run!.runId);
    const theirs = await remote(`${experiment}-ref`, refRun!.runId);
    expect(mine.info.status).toBe('FINISHED');
    const keys = [...new Set([...a.keys()].map((id) => id.slice(0, id.lastIndexOf('@'))))];
    for (const key of keys) {
      const got = await client.metrics.historyAll(mine.info.runId, key);
      const want = await client.metrics.historyAll(theirs.info.runId, key);
      const steps = got.map((m) => m.step).sort((x, y) => x - y);
      expect(steps, key).toEqual(want.map((m) => m.step).sort((x, y) => x - y));
      expect(new Set(steps).size, `${key}: a step twice in MLflow`).toBe(steps.length);
      if (!timed(key)) expect(got.map((m) => m.value).sort(), key).toEqual(want.map((m) => m.value).sort());
    }
  });
});

/** Runs the CLI in-process, asking it to stop (as Ctrl-C does) once `when` matches a line it prints. */
async function interrupted(args: string[], storeRoot: string, when: RegExp): Promise<{ code: number; stderr: string }> {
  const stop = new StopSignal();
  let stderr = '';
  const output: Output = { out: () => undefined, err: (t) => void ((stderr += `${t}\n`), when.test(t) && stop.request('SIGINT')), interactive: false };
  const code = await runCli(args, { storeRoot, output, stop });
  return { code, stderr };
}

const SMALL = ['--model', 'mlp', '--limit', '1024', '--epochs', '3', '--batch-size', '64'];

/** Trial name → final weights and status, read back from a study's store. */
async function trialsOf(storeRoot: string): Promise<Map<string, { status: string; weights: Buffer | undefined; runId: string }>> {
  const store = new LocalRunStore(storeRoot);
  const runs = await store.listRuns({});
  const out = new Map<string, { status: string; weights: Buffer | undefined; runId: string }>();
  for (const r of runs.filter((x) => x.parentRunId !== null)) {
    const d = await store.getRun(r.runId);
    const weights = d.artifacts.some((a) => a.name === 'weights/weights.bin') ? await store.readArtifact(r.runId, 'weights/weights.bin') : undefined;
    out.set(d.tags['wus.trial']!, { status: d.info.status, weights, runId: r.runId });
  }
  return out;
}

describe('wus compare --resume', () => {
  it('one trial after another: resumed after its second trial, it does not train the finished ones again and ends as an uninterrupted study', async () => {
    const args = ['compare', ...SMALL, '-P', 'never,wus,wus-lr', '--interleave', 'off'];
    const ref = await wus(args);
    expect(ref.code, ref.stderr).toBe(0);

    const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
    const stopped = await interrupted(args, storeRoot, /^wus epoch {2}3\/3 /);
    expect(stopped.code, stopped.stderr).toBe(130);
    const study = (await new LocalRunStore(storeRoot).listRuns({})).find((r) => r.parentRunId === null)!;
    expect(stopped.stderr).toMatch(new RegExp(`^wus: error: interrupted \\(SIGINT\\) after step 1 of epoch 1; resume with \`wus compare --resume ${study.runId.slice(0, 8)}\``, 'm'));
    const before = await trialsOf(storeRoot);
    expect([...before].map(([n, t]) => [n, t.status])).toEqual([['never', 'FINISHED'], ['wus', 'FINISHED'], ['wus-lr', 'KILLED']]);
    const journals = (dir: string) => [...before].filter(([, t]) => t.status === 'FINISHED').map(([, t]) => readFileSync(join(dir, 'wus-fashion-mnist', t.runId, 'metrics.jsonl'), 'utf8'));
    const finishedJournals = journals(storeRoot);

    const resumed = await wus(['compare', '--resume', study.runId.slice(0, 8)], storeRoot);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^trial never: finished before, not trained again/m);
    expect(resumed.stderr).toMatch(/^trial wus: finished before, not trained again/m);
    expect(resumed.stderr).toMatch(/^wus-lr: resuming run [0-9a-f]{8}: epoch 1, after step 1$/m);
    expect(resumed.stderr).not.toMatch(/^(never|wus) epoch/m);
    expect(journals(storeRoot)).toEqual(finishedJournals);
    const after = await trialsOf(storeRoot);
    const want = await trialsOf(ref.storeRoot);
    for (const name of ['never', 'wus', 'wus-lr']) {
      expect(after.get(name)!.status).toBe('FINISHED');
      expect(Buffer.compare(after.get(name)!.weights!, want.get(name)!.weights!), name).toBe(0);
    }
    // The same table, but for the times.
    const rows = (out: string) => out.trim().split('\n').slice(2).map((l) => l.split(/\s{2,}/).filter((_, i) => [0, 3, 7, 9].includes(i)));
    expect(rows(resumed.stdout)).toEqual(rows(ref.stdout));
    expect((await new LocalRunStore(storeRoot).getRun(study.runId)).info.status).toBe('FINISHED');
  });

  it('interleaved: resumed in the middle of a round, every trial ends bit-identical to an uninterrupted study', async () => {
    const args = ['compare', ...SMALL, '-P', 'never,wus', '--control'];
    const ref = await wus(args);
    expect(ref.code, ref.stderr).toBe(0);
    const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
    // Round 2 runs wus, control, never: stop once wus has reported its epoch 2, so control stops
    // after one step of its epoch 2 and never has not begun it.
    const stopped = await interrupted(args, storeRoot, /^wus epoch {2}2\/3 /);
    expect(stopped.code, stopped.stderr).toBe(130);
    const study = (await new LocalRunStore(storeRoot).listRuns({})).find((r) => r.parentRunId === null)!;
    const resumed = await wus(['compare', '--resume', study.runId], storeRoot);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^wus: resuming run [0-9a-f]{8}: after epoch 2$/m);
    expect(resumed.stderr).toMatch(/^control: resuming run [0-9a-f]{8}: epoch 2, after step 1$/m);
    expect(resumed.stderr).toMatch(/^never: resuming run [0-9a-f]{8}: after epoch 1$/m);
    // The rest of round 2 in its order (control, never), then round 3 (control, never, wus).
    expect(resumed.stderr.match(/^\w+ epoch {2}\d\/3/gm)).toEqual(['control epoch  2/3', 'never epoch  2/3', 'control epoch  3/3', 'never epoch  3/3', 'wus epoch  3/3']);
    const after = await trialsOf(storeRoot);
    const want = await trialsOf(ref.storeRoot);
    expect([...after.keys()].sort()).toEqual(['control', 'never', 'wus']);
    for (const [name, t] of after) expect(Buffer.compare(t.weights!, want.get(name)!.weights!), name).toBe(0);
  });
});
