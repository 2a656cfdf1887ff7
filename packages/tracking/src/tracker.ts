/**
 * The tracking seam. The local run store implements it; an MLflow tracker will implement it
 * too, so the app never knows which one it writes to.
 */

/** Terminal statuses, as in MLflow's RunStatus. */
export type TerminalRunStatus = 'FINISHED' | 'FAILED' | 'KILLED';
export type RunStatus = 'RUNNING' | TerminalRunStatus;

/** Params and tags are stored as strings (as in MLflow); numbers and booleans are converted. */
export type ParamValue = string | number | boolean;
export type TagValue = string | number | boolean;

/** One metric point. Its identity is (key, step): logging the same pair again replaces it. */
export interface MetricPoint {
  readonly key: string;
  /** Any number: NaN and ±Infinity are accepted and kept. */
  readonly value: number;
  /** Integer step (the epoch index for per-epoch metrics). */
  readonly step: number;
  /** Milliseconds since the Unix epoch; defaults to now. */
  readonly timestamp?: number;
}

export interface StartRunOptions {
  /** Human-readable run name (MLflow's run name). */
  readonly name: string;
  /** Experiment the run belongs to (created on first use). */
  readonly experiment: string;
  /** Makes this run a child (a trial) of that run (a study); MLflow tag `mlflow.parentRunId`. */
  readonly parentRunId?: string;
  readonly tags?: Readonly<Record<string, TagValue>>;
  readonly params?: Readonly<Record<string, ParamValue>>;
}

/** A live run. Every method but `end` rejects once the run has ended. */
export interface RunHandle {
  /** Stable id of the run (a UUID for the local store). */
  readonly id: string;
  readonly experiment: string;
  /** Params are immutable: the same key with another value rejects with ParamConflictError. */
  logParams(params: Readonly<Record<string, ParamValue>>): Promise<void>;
  /** Tags are mutable: the last value wins. */
  setTags(tags: Readonly<Record<string, TagValue>>): Promise<void>;
  logMetrics(points: readonly MetricPoint[]): Promise<void>;
  /** Stores bytes (or UTF-8 text) under a relative name such as `plots/curve.svg`. */
  logArtifact(name: string, data: Uint8Array | string): Promise<void>;
  /** Makes what was logged so far durable (or delivered). */
  flush(): Promise<void>;
  /**
   * Ends the run. Idempotent: once a call has succeeded, later calls (with any status) do
   * nothing, so `end('FAILED')` in a catch block after a successful `end('FINISHED')` is safe.
   */
  end(status: TerminalRunStatus): Promise<void>;
}

export interface Tracker {
  startRun(options: StartRunOptions): Promise<RunHandle>;
  /** Reopens a run that stopped without finishing (`--resume`): RUNNING again, logging where it left off. */
  resumeRun(runId: string): Promise<RunHandle>;
  /** Where a person opens the run (trackers with a UI, once the run reached it). */
  runLinks?(localRunId: string, experiment: string): Promise<{ run: string; experiment: string } | undefined>;
}
