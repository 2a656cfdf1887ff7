#!/usr/bin/env node
// How much one Redis and one MLflow server absorb from many sweep workers, on this machine
// (loopback only, bounded: fixed job counts and time caps). Starts its own redis-server and MLflow
// server (tools/mlflow-server) in a temp folder and removes them after.
//
//   node tools/sweep-scale/sweep-scale.mjs [--workers 100] [--jobs 2000] [--events 10]
//                                          [--mlflow-seconds 20] [--metrics-per-batch 25]
//
// Redis: --workers BullMQ workers (one connection pair each, as `wus worker` processes have)
// take --jobs trial jobs; each job reports --events progress events (what a trial's heartbeats
// and status updates cost) and completes. MLflow: --workers clients each log one batch of
// --metrics-per-batch metric points at a time (what a trial logs per epoch), back to back, for
// --mlflow-seconds. Printed: rates, latencies, and the CPU each server used — the server's own
// capacity is events per CPU-second, whatever else the machine was busy with.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MlflowClient } from '@wus/mlflow-js';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    workers: { type: 'string', default: '100' },
    jobs: { type: 'string', default: '2000' },
    events: { type: 'string', default: '10' },
    'mlflow-seconds': { type: 'string', default: '20' },
    'metrics-per-batch': { type: 'string', default: '25' },
  },
});
const WORKERS = Number(opt.workers);
const JOBS = Number(opt.jobs);
const EVENTS = Number(opt.events);
const MLFLOW_S = Number(opt['mlflow-seconds']);
const BATCH = Number(opt['metrics-per-batch']);
const REDIS_CAP_MS = 300_000;

const dir = mkdtempSync(join(tmpdir(), 'wus-sweep-scale-'));
const say = (t) => process.stderr.write(`sweep-scale: ${t}\n`);
const freePort = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
/** CPU seconds (user + system) a process and its children have used so far. */
function cpuSeconds(pid) {
  const tick = 100; // USER_HZ on Linux
  const own = (p) => { try { const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / tick; } catch { return 0; } };
  const kids = (p) => { try { return execFileSync('pgrep', ['-P', String(p)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number); } catch { return []; } };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...kids(all[i]));
  return all.reduce((s, p) => s + own(p), 0);
}
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const results = { machine: execFileSync('nproc', { encoding: 'utf8' }).trim() + ' CPUs, ' + readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') + ' load at start', workers: WORKERS };

let redis;
let mlflowDir;
try {
  // ---------------------------------------------------------------- Redis
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxclients', '10000'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url, { maxRetriesPerRequest: null });
  admin.on('error', () => undefined); // refused until redis-server is up: the ping loop waits
  for (let i = 0; ; i++) { try { await admin.ping(); break; } catch { if (i > 100) throw new Error('redis-server did not start'); await new Promise((r) => setTimeout(r, 50)); } }
  const queue = new Queue('scale', { connection: admin });
  const events = new QueueEvents('scale', { connection: { url } });
  let progress = 0;
  events.on('progress', () => void progress++);
  await events.waitUntilReady();
  say(`redis: ${WORKERS} workers, ${JOBS} jobs × ${EVENTS} progress events`);
  const workers = Array.from({ length: WORKERS }, () =>
    new Worker('scale', async (job) => { for (let i = 1; i <= EVENTS; i++) await job.updateProgress(i); return 'ok'; }, { connection: new Redis(url, { maxRetriesPerRequest: null }), concurrency: 1, autorun: false }),
  );
  const cpu0 = Number(/used_cpu_sys:([\d.]+)/.exec(await admin.info('cpu'))[1]) + Number(/used_cpu_user:([\d.]+)/.exec(await admin.info('cpu'))[1]);
  const t0 = performance.now();
  await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'trial', data: { i }, opts: { jobId: `t${i}`, removeOnComplete: false } })));
  for (const w of workers) void w.run();
  while ((await queue.getJobCountByTypes('completed')) < JOBS) {
    if (performance.now() - t0 > REDIS_CAP_MS) throw new Error('redis phase over its time cap');
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  const info = await admin.info('cpu');
  const redisCpu = Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) - cpu0;
  const mem = /used_memory_human:(\S+)/.exec(await admin.info('memory'))[1];
  const jobEvents = JOBS * (EVENTS + 3); // added, taken (active), progress × EVENTS, completed
  results.redis = {
    jobs: JOBS, seconds: +seconds.toFixed(2), jobsPerS: +(JOBS / seconds).toFixed(1), trialEventsPerS: +(jobEvents / seconds).toFixed(0),
    progressEventsHeardPerS: +(progress / seconds).toFixed(0), redisCpuS: +redisCpu.toFixed(2), trialEventsPerRedisCpuS: +(jobEvents / redisCpu).toFixed(0), usedMemory: mem,
  };
  say(`redis: ${JSON.stringify(results.redis)}`);
  await Promise.all(workers.map(async (w) => { await w.close(); w.opts.connection.disconnect?.(); }));
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  admin.disconnect();

  // ---------------------------------------------------------------- MLflow
  mlflowDir = join(dir, 'mlflow');
  say('mlflow: starting a server (tools/mlflow-server)');
  execFileSync('bash', [join(here, '../mlflow-server/mlflow-server.sh'), 'start', '--dir', mlflowDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const uri = readFileSync(join(mlflowDir, 'uri'), 'utf8').trim();
  const serverPid = Number(readFileSync(join(mlflowDir, 'server.pid'), 'utf8'));
  const client = new MlflowClient({ trackingUri: uri });
  const experimentId = (await client.experiments.getOrCreate('sweep-scale')).experimentId;
  const parent = await client.runs.create({ experimentId, runName: 'sweep' });
  const runs = [];
  for (let i = 0; i < WORKERS; i++) runs.push((await client.runs.create({ experimentId, runName: `trial ${i}`, parentRunId: parent.info.runId })).info.runId);
  say(`mlflow: ${WORKERS} clients, batches of ${BATCH} metric points, ${MLFLOW_S} s`);
  const latencies = [];
  let batches = 0;
  // A refused write is a result (the server's limit), not the end of the measurement.
  const refused = new Map();
  const mcpu0 = cpuSeconds(serverPid);
  const m0 = performance.now();
  const end = m0 + MLFLOW_S * 1000;
  await Promise.all(runs.map(async (runId) => {
    for (let step = 1; performance.now() < end; step++) {
      const s = performance.now();
      try {
        await client.metrics.logBatch(runId, { metrics: Array.from({ length: BATCH }, (_, k) => ({ key: `m${k}`, value: Math.random(), step })) });
        latencies.push(performance.now() - s);
        batches++;
      } catch (e) {
        const why = (e.serverMessage ?? e.message).slice(0, 120);
        refused.set(why, (refused.get(why) ?? 0) + 1);
      }
    }
  }));
  const mSeconds = (performance.now() - m0) / 1000;
  const mlflowCpu = cpuSeconds(serverPid) - mcpu0;
  results.mlflow = {
    seconds: +mSeconds.toFixed(1), batchesPerS: +(batches / mSeconds).toFixed(1), metricPointsPerS: +((batches * BATCH) / mSeconds).toFixed(0),
    latencyMsP50: +(pct(latencies, 0.5) ?? NaN).toFixed(0), latencyMsP95: +(pct(latencies, 0.95) ?? NaN).toFixed(0), serverCpuS: +mlflowCpu.toFixed(1),
    metricPointsPerServerCpuS: +((batches * BATCH) / mlflowCpu).toFixed(0), backend: 'SQLite (tools/mlflow-server)',
    refusedBatches: Object.fromEntries(refused),
  };
  say(`mlflow: ${JSON.stringify(results.mlflow)}`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} finally {
  if (mlflowDir !== undefined) try { execFileSync('bash', [join(here, '../mlflow-server/mlflow-server.sh'), 'kill', '--dir', mlflowDir], { stdio: 'ignore' }); } catch { /* not started */ }
  redis?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
