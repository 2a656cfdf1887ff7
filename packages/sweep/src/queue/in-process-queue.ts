import { hostname } from 'node:os';
import { InterruptedError } from '@wus/core/plugin-api';
import { TRIAL_ATTEMPTS, TrialFailedForGood, type TrialHandler, type TrialJob, type TrialQueue } from './trial-queue.js';

/**
 * The embedded default: trials run in this process, one after another, with the queue's retry
 * rule (an error that may pass is tried again, up to TRIAL_ATTEMPTS; one failed for good is not).
 */
export class InProcessTrialQueue implements TrialQueue {
  private readonly jobs = new Map<string, TrialJob>();
  private readonly failures = new Map<string, string>();
  private readonly done = new Set<string>();

  async enqueue(jobs: readonly TrialJob[]): Promise<void> {
    for (const j of jobs) if (!this.jobs.has(jobId(j))) this.jobs.set(jobId(j), j);
  }

  async failed(sweepId: string): Promise<Map<string, string>> {
    return new Map([...this.failures].filter(([id]) => id.startsWith(`${sweepId}.`)).map(([id, reason]) => [id.slice(sweepId.length + 1), reason]));
  }

  /** Runs every queued trial (the handler reports its own errors). */
  async drain(handler: TrialHandler): Promise<void> {
    const worker = `${hostname()}:${process.pid}`;
    for (const [id, job] of this.jobs) {
      if (this.done.has(id) || this.failures.has(id)) continue;
      for (let attempt = 1; ; attempt++) {
        try {
          await handler(job, { attempt, worker });
          this.done.add(id);
          break;
        } catch (e) {
          // Ctrl-C stops the sweep, not just this trial: it is resumed with the sweep.
          if (e instanceof InterruptedError) throw e;
          if (e instanceof TrialFailedForGood || attempt === TRIAL_ATTEMPTS) {
            this.failures.set(id, (e as Error).message);
            break;
          }
        }
      }
    }
  }

  async close(): Promise<void> {}
}

/** A job's id: its sweep and trial key (BullMQ refuses a second job with one; ids may not hold `:`). */
export function jobId(job: Pick<TrialJob, 'sweepId' | 'key'>): string {
  return `${job.sweepId}.${job.key}`;
}
