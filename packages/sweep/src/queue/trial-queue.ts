import { WusError } from '@wus/core/plugin-api';

/** A trial as a job: everything a worker anywhere needs to run it. */
export interface TrialJob {
  /** The sweep's run id. */
  readonly sweepId: string;
  /** The trial's stable key in its sweep (with the sweep id, the job's idempotency key). */
  readonly key: string;
  readonly label: string;
  /** The trial's full training configuration. */
  readonly config: Record<string, unknown>;
}

export interface TrialContext {
  /** 1 for the first delivery; more when the job was retried or re-delivered after a stall. */
  readonly attempt: number;
  /** Who runs it: `host:pid`. */
  readonly worker: string;
}

/** Runs one trial to its end; the same function whichever queue delivers it. */
export type TrialHandler = (job: TrialJob, context: TrialContext) => Promise<void>;

/** A trial that no retry can save (a bad option, a diverged run): failed once, with its error. */
export class TrialFailedForGood extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrialFailedForGood';
  }
}

/** The queue (Redis) cannot be reached or refused what was asked of it. */
export class QueueError extends WusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('QUEUE', message, options);
  }
}

/** Jobs retried after an error that may pass (data set missing on one worker, server down). */
export const TRIAL_ATTEMPTS = 3;

/** Where a sweep's trials wait for workers. */
export interface TrialQueue {
  /** Adds trials; a trial already queued (same sweep and key) is not added again. */
  enqueue(jobs: readonly TrialJob[]): Promise<void>;
  /** The sweep's trials the queue gave up on (failed for good or out of attempts): key → reason. */
  failed(sweepId: string): Promise<Map<string, string>>;
  close(): Promise<void>;
}
