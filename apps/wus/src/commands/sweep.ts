import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, type StopSignal } from '@wus/core';
import { DEFAULT_QUEUE, BullTrialQueue, checkRedis, redactUrl, startTrialWorker } from '@wus/sweep';
import type { LocalRunStore } from '@wus/tracking';
import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS, type ContainerOptions, type Output } from '../container.js';
import { ensureStoreRoot } from '../experiment/store-root.js';
import { readPlan, trialRuns } from '../sweep/sweep-records.js';
import { SweepResults, formatResults } from '../sweep/sweep-results.js';
import { SweepRunner } from '../sweep/sweep-runner.js';
import { formatStatus, trialStatuses } from '../sweep/sweep-status.js';
import { TrialExecutor } from '../sweep/trial-executor.js';
import { number } from './training-flags.js';

type ContainerFn = (overrides?: Partial<ContainerOptions>) => DependencyContainer;

/** `--redis`, else REDIS_URL; undefined: no Redis. */
const redisOf = (flag: string | undefined) => flag ?? (process.env['REDIS_URL'] || undefined);

function count(name: string, v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new ConfigError(`${name} must be a whole number ≥ 1, got ${v}`);
  return v;
}

export function registerSweep(program: Command, container: ContainerFn): void {
  const sweep = program
    .command('sweep')
    .description('grid or random search over models, policies and their options, seeds, LR and epochs: one sweep run, each trial a child run')
    .option('-c, --config <file>', 'sweep file (YAML or JSON): base, grid, random (see README, "Sweeps")')
    .option('--resume <sweep>', 'go on with a sweep that did not finish: finished trials are kept, the others resume from their checkpoints')
    .option('--redis <url>', 'queue the trials as BullMQ jobs on this Redis for `wus worker`s anywhere (default $REDIS_URL; without: trials run here, one after another)')
    .option('--queue <name>', `BullMQ queue name (default ${DEFAULT_QUEUE})`)
    .option('--workers <n>', 'also start n worker processes on this machine for the sweep’s duration (needs --redis)', number('--workers'))
    .option('--json', 'print the results as JSON')
    .action(async (flags: { config?: string; resume?: string; redis?: string; queue?: string; workers?: number; json?: boolean }) => {
      if ((flags.config === undefined) === (flags.resume === undefined)) throw new ConfigError('wus sweep needs --config <file> (a new sweep) or --resume <sweep> (one that did not finish)');
      const workers = count('--workers', flags.workers);
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      await ensureStoreRoot(store.root);
      const redis = redisOf(flags.redis);
      const outcome = await c.resolve(SweepRunner).run({
        ...(flags.config === undefined ? {} : { file: flags.config }),
        ...(flags.resume === undefined ? {} : { resume: flags.resume }),
        ...(redis === undefined ? {} : { redis }),
        ...(workers === undefined ? {} : { workers }),
        queue: flags.queue ?? DEFAULT_QUEUE,
      });
      const out = c.resolve<Output>(TOKENS.Output);
      out.out(flags.json === true ? JSON.stringify({ sweepId: outcome.sweepId, trials: outcome.statuses, results: outcome.rows }, null, 2) : outcome.table);
      const failed = outcome.statuses.filter((s) => s.state === 'failed');
      out.err(`sweep ${outcome.sweepId}: ${outcome.rows.length} trials done, ${failed.length} failed${failed.length === 0 ? '' : ` (\`wus sweep status ${outcome.sweepId.slice(0, 8)}\` shows why)`}; results and plots/pareto.png logged to its run`);
    });

  sweep
    .command('status <sweep>')
    .description('each trial of a sweep: queued, running on which worker, interrupted, done or failed (with its error)')
    .option('--redis <url>', 'also ask this Redis which trials its queue gave up on (default $REDIS_URL)')
    .option('--queue <name>', `BullMQ queue name (default ${DEFAULT_QUEUE})`)
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { redis?: string; queue?: string; json?: boolean }) => {
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const { run, plan } = await readPlan(store, id);
      const redis = redisOf(flags.redis);
      let failures = new Map<string, string>();
      if (redis !== undefined && plan.queue !== undefined) {
        await checkRedis(redis);
        const queue = new BullTrialQueue(redis, flags.queue ?? plan.queue);
        failures = await queue.failed(run.info.runId).finally(() => queue.close());
      }
      const statuses = trialStatuses(plan, await trialRuns(store, run.info.runId), failures);
      const out = c.resolve<Output>(TOKENS.Output);
      out.out(flags.json === true ? JSON.stringify({ sweepId: run.info.runId, status: run.info.displayStatus, trials: statuses }, null, 2) : formatStatus(run.info.runId, plan, statuses));
    });

  sweep
    .command('results <sweep>')
    .description('the finished trials of a sweep, each against its baseline, the best front marked')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const c = container();
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const { run, plan } = await readPlan(store, id);
      const rows = await c.resolve(SweepResults).rows(plan, await trialRuns(store, run.info.runId));
      c.resolve<Output>(TOKENS.Output).out(flags.json === true ? JSON.stringify(rows, null, 2) : formatResults(rows));
    });
}

export function registerWorker(program: Command, container: ContainerFn): void {
  program
    .command('worker')
    .description('take sweep trials from Redis and run them (checkpoints and runs go to --store, which every worker must share) until Ctrl-C')
    .option('--redis <url>', 'Redis the sweep queued its trials on (default $REDIS_URL)')
    .option('--queue <name>', `BullMQ queue name (default ${DEFAULT_QUEUE})`)
    .option('--concurrency <n>', 'trials this process runs at once (default 1)', number('--concurrency'))
    .option('--store <dir>', 'run store every worker and the sweep share: runs and checkpoints (default $WUS_HOME/runs or ./.wus/runs)')
    .option('--lock-duration <ms>', 'a worker silent this long is presumed dead and its trial re-delivered (default 30000)', number('--lock-duration'))
    .action(async (flags: { redis?: string; queue?: string; concurrency?: number; store?: string; lockDuration?: number }) => {
      const redis = redisOf(flags.redis);
      if (redis === undefined) throw new ConfigError('wus worker needs the Redis its sweeps queue trials on: --redis URL (or set REDIS_URL)');
      const concurrency = count('--concurrency', flags.concurrency);
      const lockDurationMs = count('--lock-duration', flags.lockDuration);
      await checkRedis(redis);
      const c = container(flags.store === undefined ? {} : { storeRoot: resolve(flags.store) });
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      await ensureStoreRoot(store.root);
      const out = c.resolve<Output>(TOKENS.Output);
      const stop = c.resolve<StopSignal>(TOKENS.Stop);
      const executor = c.resolve(TrialExecutor);
      const queue = flags.queue ?? DEFAULT_QUEUE;
      const worker = startTrialWorker((job, context) => executor.execute(job, context), {
        url: redis,
        queue,
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
        onEvent: (t) => out.err(t),
      });
      out.err(`worker ${hostname()}:${process.pid}: taking trials from queue ${queue} at ${redactUrl(redis)}; store ${store.root}`);
      while (!stop.requested) await new Promise((r) => setTimeout(r, 200));
      out.err(`worker ${hostname()}:${process.pid}: stopping (${stop.reason})`);
      await worker.close();
    });
}
