import { cpus, freemem, totalmem } from 'node:os';
import type { Callback } from '@wus/core';
import { StoreError } from './errors.js';
import type { RunHandle } from './tracker.js';

/** MLflow's prefix for system metrics: its UI shows them in their own "System metrics" section. */
export const SYSTEM_METRIC_PREFIX = 'system/';

/** Keys, as MLflow's Python client names them where it has one (`cpu_utilization_percentage`, …). */
export const SYSTEM_METRIC_KEYS = {
  /** The whole machine's CPU use, percent (MLflow's key). */
  cpu: 'system/cpu_utilization_percentage',
  /** This process's CPU use, percent of the whole machine. */
  processCpu: 'system/process_cpu_utilization_percentage',
  /** Resident memory of this process, MB. */
  processRss: 'system/process_memory_rss_megabytes',
  /** Memory in use on the machine, MB and percent (MLflow's keys). */
  memory: 'system/system_memory_usage_megabytes',
  memoryPct: 'system/system_memory_usage_percentage',
} as const;

export interface SystemMetricsOptions {
  /** Sampling interval; every sample is logged at once (step = sample index, from 0). */
  readonly intervalMs: number;
  /** More gauges sampled with the others, by key without the `system/` prefix (e.g. tfjs tensors). */
  readonly gauges?: () => Readonly<Record<string, number>>;
  /** Step of the first sample (a resumed run goes on after the samples it logged). Default 0. */
  readonly firstStep?: number;
}

const MB = 1e6;

/** Busy and total CPU time of the machine so far (ms, all cores). */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/**
 * Samples the machine and the process every `intervalMs` while a run trains and logs each sample
 * live under `system/…` (step = sample index), as MLflow's Python client does with
 * `log_system_metrics`. The training loop yields between steps, so the timer fires on time.
 * Starts at train begin and stops at train end, when the run ends, or on the first logging
 * failure (rethrown at train end: no metric is lost silently).
 */
export class SystemMetricsCallback implements Callback {
  readonly name = 'system-metrics';
  /** Samples the machine as it is now: a resumed run needs nothing of it but `firstStep`. */
  readonly stateless = true;
  private timer: NodeJS.Timeout | undefined;
  private step: number;
  private lastMachine = machineCpu();
  private lastProcess = process.cpuUsage();
  private lastAt = performance.now();
  private failure: unknown;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly run: RunHandle,
    private readonly options: SystemMetricsOptions,
  ) {
    this.step = options.firstStep ?? 0;
  }

  onTrainBegin(): void {
    if (this.options.intervalMs <= 0 || this.timer !== undefined) return;
    this.lastMachine = machineCpu();
    this.lastProcess = process.cpuUsage();
    this.lastAt = performance.now();
    this.timer = setInterval(() => {
      this.pending = this.pending.then(() => this.sample());
    }, this.options.intervalMs);
    // A run that fails without train end must not keep the process alive.
    this.timer.unref();
  }

  async onTrainEnd(): Promise<void> {
    this.stop();
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }

  /** One sample: the metrics it logs, by key. */
  read(): Record<string, number> {
    const now = performance.now();
    const machine = machineCpu();
    const proc = process.cpuUsage();
    const elapsedUs = Math.max(1, (now - this.lastAt) * 1000);
    const machineTotal = machine.total - this.lastMachine.total;
    const values: Record<string, number> = {
      [SYSTEM_METRIC_KEYS.cpu]: machineTotal > 0 ? (100 * (machine.busy - this.lastMachine.busy)) / machineTotal : 0,
      [SYSTEM_METRIC_KEYS.processCpu]: (100 * (proc.user - this.lastProcess.user + proc.system - this.lastProcess.system)) / (elapsedUs * cpus().length),
      [SYSTEM_METRIC_KEYS.processRss]: process.memoryUsage.rss() / MB,
      [SYSTEM_METRIC_KEYS.memory]: (totalmem() - freemem()) / MB,
      [SYSTEM_METRIC_KEYS.memoryPct]: (100 * (totalmem() - freemem())) / totalmem(),
    };
    for (const [k, v] of Object.entries(this.options.gauges?.() ?? {})) values[`${SYSTEM_METRIC_PREFIX}${k}`] = v;
    this.lastMachine = machine;
    this.lastProcess = proc;
    this.lastAt = now;
    return values;
  }

  private async sample(): Promise<void> {
    if (this.timer === undefined) return;
    const step = this.step++;
    try {
      await this.run.logMetrics(Object.entries(this.read()).map(([key, value]) => ({ key, value, step })));
    } catch (e) {
      this.stop();
      // The run ended (a failed or interrupted trial): sampling is simply over.
      if (!(e instanceof StoreError && e.reason === 'run-ended')) this.failure = e;
    }
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
