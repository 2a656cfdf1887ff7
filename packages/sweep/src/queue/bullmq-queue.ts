import { hostname } from 'node:os';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobId } from './in-process-queue.js';
import { redisConnection } from './redis.js';
import { TRIAL_ATTEMPTS, TrialFailedForGood, type TrialHandler, type TrialJob, type TrialQueue } from './trial-queue.js';

/** The queue every sweep's trials go to unless `--queue` names another (a separate pool of workers). */
export const DEFAULT_QUEUE = 'wus-trials';

/** Trials as BullMQ jobs on Redis: any `wus worker` pointed at the same Redis and queue takes them. */
export class BullTrialQueue implements TrialQueue {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(url: string, name = DEFAULT_QUEUE) {
    this.connection = redisConnection(url);
    this.queue = new Queue(name, { connection: this.connection });
  }

  async enqueue(jobs: readonly TrialJob[]): Promise<void> {
    // A job whose id is taken is not added again: re-submitting a sweep queues nothing twice.
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'trial',
        data: j,
        opts: { jobId: jobId(j), attempts: TRIAL_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false, removeOnFail: false },
      })),
    );
  }

  async failed(sweepId: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const job of await this.queue.getFailed()) {
      const data = job.data as TrialJob;
      if (data.sweepId === sweepId) out.set(data.key, job.failedReason);
    }
    return out;
  }

  /** A failed job of the sweep goes back to the queue (`wus sweep --resume`). */
  async retryFailed(sweepId: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const job = await this.queue.getJob(jobId({ sweepId, key }));
      if (job !== undefined && (await job.isFailed())) await job.retry('failed');
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

export interface TrialWorkerOptions {
  readonly url: string;
  readonly queue?: string;
  /** Trials this process runs at once. */
  readonly concurrency?: number;
  /**
   * How long a job's lock holds without renewal (BullMQ renews it every half of this on a timer,
   * which runs because the trainer yields between steps); a worker silent this long is presumed
   * dead and its trial is re-delivered. Default 30 s.
   */
  readonly lockDurationMs?: number;
  readonly onEvent?: (text: string) => void;
}

/**
 * A BullMQ worker running `handler` for each delivered trial. Stalled jobs (a worker gone
 * without a word) are re-delivered to whichever worker checks first; TrialFailedForGood fails the
 * job at once (BullMQ's UnrecoverableError), other errors are retried up to TRIAL_ATTEMPTS.
 */
export function startTrialWorker(handler: TrialHandler, options: TrialWorkerOptions): { worker: Worker; close: () => Promise<void> } {
  const connection = redisConnection(options.url);
  const say = options.onEvent ?? (() => undefined);
  const name = `${hostname()}:${process.pid}`;
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker(
    options.queue ?? DEFAULT_QUEUE,
    async (job: Job) => {
      try {
        await handler(job.data as TrialJob, { attempt: job.attemptsStarted, worker: name });
      } catch (e) {
        if (e instanceof TrialFailedForGood) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    { connection, concurrency: options.concurrency ?? 1, lockDuration, stalledInterval: lockDuration, maxStalledCount: TRIAL_ATTEMPTS, autorun: true },
  );
  worker.on('error', (e) => say(`queue: ${e.message}`));
  worker.on('stalled', (id) => say(`queue: trial ${id} stalled (its worker went silent): re-delivered`));
  return {
    worker,
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
