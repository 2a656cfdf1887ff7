import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { server, testClient } from '@wus/mlflow-js/testing';
import { LocalRunStore, type RunDetails } from '@wus/tracking';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpoints, exited, spawnCli, until, wus } from './capture.js';

/**
 * The faults of a sweep on Redis, against a real redis-server of this file's own (a spare port,
 * its data in a temp folder, append-only so that a restart keeps the queue) and real workers:
 * `wus worker` processes, SIGKILLed and restarted here.
 */
let redis: ChildProcess | undefined;
let port = 0;
let redisDir = '';
const url = () => `redis://127.0.0.1:${port}`;
const mlflow: Record<string, string> =
  server === null ? {} : { MLFLOW_TRACKING_URI: server.uri, ...(server.username === null ? {} : { MLFLOW_TRACKING_USERNAME: server.username, MLFLOW_TRACKING_PASSWORD: server.password! }) };

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  await until('redis-server answering', ping);
}

async function ping(): Promise<boolean> {
  const q = new Queue('ping', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: 1, retryStrategy: () => null } });
  q.on('error', () => undefined); // not up yet
  try {
    await q.getJobCounts();
    return true;
  } catch {
    return false;
  } finally {
    await q.close().catch(() => undefined);
  }
}

async function stopRedis(): Promise<void> {
  if (redis === undefined || redis.exitCode !== null) return;
  const done = exited(redis);
  redis.kill('SIGTERM'); // Redis writes its append-only file and exits
  await done;
}

beforeAll(async () => {
  port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  redisDir = mkdtempSync(join(tmpdir(), 'wus-redis-'));
  await startRedis();
});

afterAll(stopRedis);

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      const done = exited(c);
      c.kill('SIGKILL');
      await done;
    }
  }
});

function sweepFile(sweep: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wus-sweep-')), 'sweep.json');
  writeFileSync(file, JSON.stringify(sweep));
  return file;
}

function cli(args: string[], env: Record<string, string> = {}): ReturnType<typeof spawnCli> {
  const p = spawnCli(args, { ...mlflow, ...env });
  children.push(p.child);
  return p;
}

const worker = (store: string, queue: string, ...extra: string[]) => cli(['worker', '--redis', url(), '--queue', queue, '--store', store, ...extra]);

/** The sweep run of a store, once the sweep command has made it. */
async function sweepOf(store: string): Promise<string> {
  let id: string | undefined;
  await until('the sweep run', async () => {
    const runs = await new LocalRunStore(store).listRuns({}).catch(() => []);
    id = runs.find((r) => r.parentRunId === null)?.runId;
    return id !== undefined;
  });
  return id!;
}

async function trialRunsOf(store: string, sweepId: string): Promise<RunDetails[]> {
  const s = new LocalRunStore(store);
  return Promise.all((await s.listRuns({ parentRunId: sweepId })).map((r) => s.getRun(r.runId)));
}

/** The MLflow runs of a sweep trial, found by its tags (when the tests have an MLflow server). */
async function mlflowRunsOf(experiment: string, sweepId: string, key: string): Promise<number | undefined> {
  if (server === null) return undefined;
  const client = testClient();
  const e = await client.experiments.getByName(experiment);
  const runs = await client.runs.searchAll({ experimentIds: [e!.experimentId], filter: `tags.\`wus.sweep\` = '${sweepId}' and tags.\`wus.sweep.trial\` = '${key}'` });
  return runs.length;
}

const unique = (what: string) => `${what}-${process.pid}-${Date.now()}`;

describe('a sweep on Redis with real workers', () => {
  it('a worker SIGKILLed mid-trial: the job is re-delivered after its lock expires and another worker resumes it from its checkpoint; final weights equal an uninterrupted trial’s; one run', async () => {
    const experiment = unique('sweep-kill');
    const base = { model: 'lenet5', limit: 2000, epochs: 3, batchSize: 32, checkpointSteps: 10, systemMetricsInterval: 0, backend: 'wasm', experiment };
    const file = sweepFile({ base, grid: { policy: [{ name: 'wus', options: { threshold: 0.5 } }] } });
    // The reference: the same trial, never interrupted, in this process.
    const ref = await wus(['sweep', '--config', file, '--json']);
    expect(ref.code, ref.stderr).toBe(0);
    const refSweep = (JSON.parse(ref.stdout) as { sweepId: string }).sweepId;
    const [refTrial] = await trialRunsOf(ref.storeRoot, refSweep);

    const home = mkdtempSync(join(tmpdir(), 'wus-sweep-home-'));
    const store = join(home, 'runs');
    const queue = unique('kill');
    const w1 = worker(store, queue, '--lock-duration', '2000');
    const sweep = cli(['sweep', '--config', file, '--redis', url(), '--queue', queue], { WUS_HOME: home });
    const sweepId = await sweepOf(store);
    await until('a mid-epoch checkpoint of epoch 2', () => checkpoints(store, experiment).some((p) => p.epochsDone === 1 && p.stepInEpoch > 0), 120_000);
    const before = await wus(['sweep', 'status', sweepId], store);
    expect(before.stdout).toMatch(new RegExp(`running +[0-9a-f]{8} +on [^ ]+:${w1.child.pid}, epoch 1/3 done`));
    w1.child.kill('SIGKILL');
    await exited(w1.child);
    await until('the trial seen as interrupted', async () => (await wus(['sweep', 'status', sweepId], store)).stdout.includes('interrupted'));
    const w2 = worker(store, queue, '--lock-duration', '2000');
    expect(await exited(sweep.child), sweep.stderr()).toBe(0);
    expect(w2.stderr()).toMatch(/resuming run [0-9a-f]{8} on [^ ]+ \(delivery 2\)/);
    expect(w2.stderr()).toMatch(/resuming run [0-9a-f]{8}: epoch 2, after step \d+/);
    const after = await wus(['sweep', 'status', sweepId], store);
    expect(after.stdout).toMatch(/1 trials: 1 done, 0 running, 0 interrupted, 0 queued, 0 failed/);

    const trials = await trialRunsOf(store, sweepId);
    expect(trials).toHaveLength(1);
    expect(trials[0]!.info.status).toBe('FINISHED');
    const weights = (root: string, id: string) => new LocalRunStore(root).readArtifact(id, 'weights/weights.bin');
    expect(Buffer.compare(await weights(store, trials[0]!.info.runId), await weights(ref.storeRoot, refTrial!.info.runId))).toBe(0);
    const count = await mlflowRunsOf(experiment, sweepId, trials[0]!.tags['wus.sweep.trial']!);
    if (count !== undefined) expect(count).toBe(1);
  });

  it('epochs longer than the lock stay healthy; a diverged trial fails once, for good; a duplicate delivery makes no second run', async () => {
    const experiment = unique('sweep-lock');
    const file = sweepFile({ base: { model: 'lenet5', limit: 6000, epochs: 2, batchSize: 16, momentum: 0, systemMetricsInterval: 0, experiment }, grid: { lr: [0.05, 1e6] } });
    const home = mkdtempSync(join(tmpdir(), 'wus-sweep-home-'));
    const store = join(home, 'runs');
    const queueName = unique('lock');
    // Locks of 2 s, renewed on a timer every second: only a trainer that yields (between steps
    // and between evaluation batches) lets them be renewed.
    const w = worker(store, queueName, '--lock-duration', '2000');
    const sweep = cli(['sweep', '--config', file, '--redis', url(), '--queue', queueName], { WUS_HOME: home });
    expect(await exited(sweep.child), sweep.stderr()).toBe(0);
    const sweepId = await sweepOf(store);
    const trials = await trialRunsOf(store, sweepId);
    const ok = trials.find((t) => t.params['lr'] === '0.05')!;
    const diverged = trials.find((t) => t.params['lr'] === '1000000')!;
    // The healthy trial's epochs outlasted the lock, yet it never stalled.
    expect(Math.max(...(ok.metrics['epoch_time_s'] ?? []).map((p) => p.value))).toBeGreaterThan(2);
    expect(w.stderr()).not.toMatch(/^queue: .*(stalled|could not renew lock)/m);
    const queue = new Queue(queueName, { connection: { url: url() } });
    try {
      const okJob = (await queue.getJob(`${sweepId}.${ok.tags['wus.sweep.trial']}`))!;
      expect([okJob.attemptsStarted, okJob.stalledCounter, await okJob.getState()]).toEqual([1, 0, 'completed']);
      const badJob = (await queue.getJob(`${sweepId}.${diverged.tags['wus.sweep.trial']}`))!;
      expect([badJob.attemptsMade, await badJob.getState()]).toEqual([1, 'failed']);
      expect(badJob.failedReason).toMatch(/training loss became/);
      expect(diverged.info.status).toBe('FAILED');
      expect(diverged.tags['wus.sweep.error']).toBe(badJob.failedReason);
      expect(w.stderr().match(/failed for good/g)).toHaveLength(1);

      // The healthy trial delivered again (a duplicate job): found by its tags, not trained again.
      const dup = await queue.add('trial', okJob.data, { jobId: unique('duplicate') });
      await until('the duplicate handled', async () => (await dup.getState()) === 'completed');
      expect(w.stderr()).toMatch(/trial lr=0\.05: finished before \(run [0-9a-f]{8}\), not trained again/);
    } finally {
      await queue.close();
    }
    expect(await trialRunsOf(store, sweepId)).toHaveLength(2);
    const count = await mlflowRunsOf(experiment, sweepId, ok.tags['wus.sweep.trial']!);
    if (count !== undefined) expect(count).toBe(1);
  });

  it('Redis restarted mid-sweep: workers and the sweep reconnect, no trial is lost', async () => {
    const experiment = unique('sweep-restart');
    const file = sweepFile({ base: { model: 'mlp', limit: 2000, epochs: 2, batchSize: 32, systemMetricsInterval: 0, experiment }, grid: { seed: [1, 2, 3] } });
    const home = mkdtempSync(join(tmpdir(), 'wus-sweep-home-'));
    const store = join(home, 'runs');
    const queueName = unique('restart');
    const w = worker(store, queueName);
    const sweep = cli(['sweep', '--config', file, '--redis', url(), '--queue', queueName], { WUS_HOME: home });
    const sweepId = await sweepOf(store);
    await until('the first trial finished', async () => (await trialRunsOf(store, sweepId)).some((t) => t.info.status === 'FINISHED'), 120_000);
    await stopRedis();
    await new Promise((r) => setTimeout(r, 1500));
    await startRedis();
    expect(await exited(sweep.child), sweep.stderr()).toBe(0);
    const trials = await trialRunsOf(store, sweepId);
    expect(trials.map((t) => t.info.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(new Set(trials.map((t) => t.tags['wus.sweep.trial'])).size).toBe(3);
    expect(w.child.exitCode).toBeNull();
  });
});
