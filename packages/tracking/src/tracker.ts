import type { Dataset } from '@wus/mlflow-js';

/**
 * The tracking seam. The local run store and the MLflow tracker implement it, so the app never
 * knows which one it writes to.
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
  /** Integer step (for per-epoch metrics the epoch's number, from 1: see epochStep). */
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

/**
 * A data set a run used: MLflow's Dataset message (name, digest, source type, source, schema,
 * profile) plus the split it served as (MLflow's `mlflow.data.context` input tag: `train`,
 * `validation`, `test`). Identity: (name, digest, context).
 */
export type DatasetInput = Dataset & { readonly context: string };

/**
 * A trained model: files kept in the run's artifacts under `artifactPath`, and logged to MLflow
 * as an MLflow 3 logged model (its own id, files and page, linked to the run as an output).
 */
export interface ModelSpec {
  /** The logged model's name, e.g. `lenet5`. */
  readonly name: string;
  /** Folder of the run's artifacts holding the files, e.g. `weights`. */
  readonly artifactPath: string;
  /** Relative path (below `artifactPath`) → content. */
  readonly files: Readonly<Record<string, Uint8Array | string>>;
  /** Free text shown by MLflow, e.g. `tfjs`. */
  readonly modelType?: string;
  /** The step (epoch) it was saved at. */
  readonly step?: number;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly tags?: Readonly<Record<string, TagValue>>;
  /** Also register it as a new version of this registered model once it is on a server. */
  readonly registeredModelName?: string;
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
  /** Records data sets the run used; logging one again (same name, digest, context) is a no-op. */
  logInputs(datasets: readonly DatasetInput[]): Promise<void>;
  /** Stores a trained model (its files as artifacts) and logs it as a model of this run. */
  logModel(model: ModelSpec): Promise<void>;
  /** Makes what was logged so far durable (or delivered). */
  flush(): Promise<void>;
  /**
   * Ends the run. Idempotent: once a call has succeeded, later calls (with any status) do
   * nothing, so `end('FAILED')` in a catch block after a successful `end('FINISHED')` is safe.
   */
  end(status: TerminalRunStatus): Promise<void>;
}

export interface ResumeRunOptions {
  /**
   * Reopen it even though it looks RUNNING in a process that may live (on another host): for a
   * caller that knows better — a job queue re-delivers a trial only once its last worker's lock
   * expired, so that worker is gone or has lost the trial.
   */
  readonly takeOver?: boolean;
}

export interface Tracker {
  startRun(options: StartRunOptions): Promise<RunHandle>;
  /** Reopens a run that stopped without finishing (`--resume`): RUNNING again, logging where it left off. */
  resumeRun(runId: string, options?: ResumeRunOptions): Promise<RunHandle>;
  /**
   * Checks, before any work, that runs of `experiment` can be logged (trackers with a server:
   * its URI, credentials, that it is one, that the experiment is not deleted). Rejects with the
   * error `startRun` would give.
   */
  prepare?(experiment: string): Promise<void>;
  /** Where a person opens the run (trackers with a UI, once the run reached it). */
  runLinks?(localRunId: string, experiment: string): Promise<{ run: string; experiment: string } | undefined>;
}
