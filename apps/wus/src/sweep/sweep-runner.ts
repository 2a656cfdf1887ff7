import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError, InterruptedError, WusError, type PluginRegistry, type StopSignal } from '@wus/core';
import { BullTrialQueue, InProcessTrialQueue, checkRedis, redactUrl, type TrialJob, type TrialQueue } from '@wus/sweep';
import { MLFLOW_TAGS, type LocalRunStore, type RunHandle, type Tracker } from '@wus/tracking';
import { inject, injectable } from 'tsyringe';
import { trainConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { importPluginModule } from '../experiment/plugin-import.js';
import { ROLE_TAG } from '../experiment/resume.js';
import { planSweep } from './sweep-file.js';
import { SWEEP_ARTIFACT, readPlan, trialRuns, type SweepPlan } from './sweep-records.js';
import { SweepResults, formatResults, type SweepRow } from './sweep-results.js';
import { settled, trialStatuses, type TrialStatus } from './sweep-status.js';
import { TrialExecutor } from './trial-executor.js';

export interface SweepOptions {
  /** A new sweep from this file (`--config`), or … */
  readonly file?: string;
  /** … the sweep with this run id, resumed (`--resume`). */
  readonly resume?: string;
  /** Trials become BullMQ jobs on this Redis; without, they run in this process. */
  readonly redis?: string;
  readonly queue: string;
  /** `wus worker` processes to start on this machine for the sweep's duration (with `redis`). */
  readonly workers?: number;
  /** How often the store is read while workers elsewhere train (ms). */
  readonly pollMs?: number;
}

export interface SweepOutcome {
  readonly sweepId: string;
  readonly statuses: readonly TrialStatus[];
  readonly rows: readonly SweepRow[];
  readonly table: string;
}

/**
 * `wus sweep`: plans the trials, opens the sweep's run (the parent of every trial's run), queues
 * the trials — as BullMQ jobs on Redis, or in this process — waits until each is done or failed
 * for good, then logs the results table and the Pareto plot to the sweep's run.
 */
@injectable()
export class SweepRunner {
  constructor(
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(TOKENS.Tracker) private readonly tracker: Tracker,
    @inject(TOKENS.RunStore) private readonly store: LocalRunStore,
    @inject(TOKENS.Output) private readonly output: Output,
    @inject(TOKENS.Stop) private readonly stop: StopSignal,
    @inject(TrialExecutor) private readonly executor: TrialExecutor,
    @inject(SweepResults) private readonly results: SweepResults,
  ) {}

  async run(options: SweepOptions): Promise<SweepOutcome> {
    if (options.workers !== undefined && options.redis === undefined) {
      throw new ConfigError(`--workers ${options.workers} starts worker processes that take trials from Redis: give --redis URL (or set REDIS_URL), or drop --workers to run the trials one after another here`);
    }
    const { plan, resumeId } = options.resume === undefined ? { plan: await planSweep(options.file!), resumeId: undefined } : await this.resumable(options.resume);
    if (options.redis !== undefined) await checkRedis(options.redis);
    await this.checkPlugins(plan);
    await this.tracker.prepare?.(plan.experiment);
    const queue: TrialQueue = options.redis === undefined ? new InProcessTrialQueue() : new BullTrialQueue(options.redis, options.queue);
    const sweep = resumeId === undefined ? await this.startSweep(plan, options.redis === undefined ? undefined : options.queue) : await this.tracker.resumeRun(resumeId);
    const workers: ChildProcess[] = [];
    try {
      this.output.err(`sweep ${sweep.id.slice(0, 8)} "${plan.name}": ${plan.trials.length} trials, ${options.redis === undefined ? 'run here one after another' : `queued on ${options.queue}`}`);
      const runs = await trialRuns(this.store, sweep.id);
      const open = plan.trials.filter((t) => runs.get(t.key)?.info.status !== 'FINISHED');
      const jobs: TrialJob[] = open.map((t) => ({ sweepId: sweep.id, key: t.key, label: t.label, config: t.config }));
      if (queue instanceof BullTrialQueue && resumeId !== undefined) await queue.retryFailed(sweep.id, open.map((t) => t.key));
      await queue.enqueue(jobs);
      if (queue instanceof InProcessTrialQueue) {
        await queue.drain((job, context) => this.executor.execute(job, context));
      } else {
        for (let i = 0; i < (options.workers ?? 0); i++) workers.push(this.startWorker(i + 1, options.redis!, options.queue));
        await this.waitUntilSettled(sweep.id, plan, queue, options.pollMs ?? 1000, options.redis!);
      }
      const settledRuns = await trialRuns(this.store, sweep.id);
      const statuses = trialStatuses(plan, settledRuns, await queue.failed(sweep.id));
      const rows = await this.results.rows(plan, settledRuns);
      await this.results.log(sweep, plan, rows);
      const failed = statuses.filter((s) => s.state === 'failed').length;
      await sweep.setTags({ 'wus.sweep.failed': failed });
      await sweep.end('FINISHED');
      return { sweepId: sweep.id, statuses, rows, table: formatResults(rows) };
    } catch (e) {
      await sweep.end(e instanceof InterruptedError ? 'KILLED' : 'FAILED');
      throw e;
    } finally {
      await Promise.all(workers.map((w) => stopChild(w)));
      await queue.close();
    }
  }

  /** The plan of a sweep that did not finish, to go on with. */
  private async resumable(id: string): Promise<{ plan: SweepPlan; resumeId: string }> {
    const { run, plan } = await readPlan(this.store, id);
    if (run.info.status === 'FINISHED') throw new ConfigError(`sweep ${run.info.runId} finished; there is nothing to resume (\`wus sweep results ${run.info.runId.slice(0, 8)}\` shows its results)`);
    if (run.info.status === 'RUNNING' && run.info.processState !== 'gone') throw new ConfigError(`sweep ${run.info.runId} is still running (process ${run.info.pid}); stop it first`);
    return { plan, resumeId: run.info.runId };
  }

  /** Plugin names and options of every trial, checked before anything is queued (no data loads). */
  private async checkPlugins(plan: SweepPlan): Promise<void> {
    for (const t of plan.trials) {
      const c = trainConfig.parse(t.config);
      for (const specifier of c.plugins) await this.registry.load(specifier, importPluginModule);
      try {
        this.registry.get('model', c.model);
        this.registry.get('dataset', c.dataset);
        this.registry.createPolicy(c.policy);
      } catch (e) {
        if (e instanceof WusError) throw new ConfigError(`sweep trial "${t.label}": ${e.message}`, { cause: e });
        throw e;
      }
    }
  }

  private async startSweep(plan: SweepPlan, queue: string | undefined): Promise<RunHandle> {
    const run = await this.tracker.startRun({
      name: `sweep ${plan.name}`,
      experiment: plan.experiment,
      params: { trials: plan.trials.length, baseline: plan.baseline, queue: queue ?? 'in-process' },
      tags: {
        [ROLE_TAG]: 'sweep',
        [MLFLOW_TAGS.note]: `Sweep **${plan.name}**: ${plan.trials.length} trials, each a nested run tagged \`wus.sweep.trial\` with its key. ` +
          'Each trial is compared with the trial of the same settings and the baseline policy; `plots/pareto.png` shows time saved against Δ test accuracy, the best front highlighted.',
      },
    });
    await run.logArtifact(SWEEP_ARTIFACT, JSON.stringify(queue === undefined ? plan : { ...plan, queue }, null, 2));
    await run.flush();
    return run;
  }

  /** Reads the store (and the queue's failures) until every trial is done or failed; prints each change. */
  private async waitUntilSettled(sweepId: string, plan: SweepPlan, queue: TrialQueue, pollMs: number, redis: string): Promise<void> {
    const seen = new Map<string, string>();
    for (;;) {
      const statuses = trialStatuses(plan, await trialRuns(this.store, sweepId), await queue.failed(sweepId));
      for (const s of statuses) {
        const line = `trial ${s.label}: ${s.state}${s.detail === '' ? '' : ` (${s.detail})`}`;
        if (seen.get(s.key) !== `${s.state}`) this.output.err(line);
        seen.set(s.key, s.state);
      }
      if (settled(statuses)) return;
      if (this.stop.requested) {
        const open = statuses.filter((s) => s.state !== 'done' && s.state !== 'failed').length;
        throw new InterruptedError(`interrupted (${this.stop.reason}) with ${open} trials open, which stay queued for the workers; wait for them with \`wus sweep --resume ${sweepId.slice(0, 8)} --redis ${redactUrl(redis)}\``);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** A `wus worker` process of this machine, its lines prefixed with its number. */
  private startWorker(n: number, redis: string, queue: string): ChildProcess {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'worker', '--redis', redis, '--queue', queue, '--store', this.store.root], { stdio: ['ignore', 'ignore', 'pipe'] });
    let rest = '';
    child.stderr!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const l of lines) this.output.err(`worker ${n}: ${l}`);
    });
    return child;
  }
}

/** Asks a worker to stop (SIGTERM: after its current step) and waits for it. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

