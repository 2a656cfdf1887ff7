import type { DatasetInput, RunStatus } from './tracker.js';

/** Version of the on-disk layout written to every `meta.json`. */
export const STORE_FORMAT_VERSION = 1;

/** Content of `meta.json`. */
export interface RunMeta {
  readonly formatVersion: number;
  readonly runId: string;
  readonly name: string;
  readonly experiment: string;
  readonly parentRunId: string | null;
  readonly status: RunStatus;
  /** Milliseconds since the Unix epoch. */
  readonly startTime: number;
  readonly endTime: number | null;
  /** The writing process, so a reader can tell a live run from one whose process died. */
  readonly pid: number;
  readonly hostname: string;
}

/**
 * For a run whose meta says RUNNING: is its writer still there? `unknown` when it ran on
 * another host (a pid means nothing there).
 */
export type ProcessState = 'alive' | 'gone' | 'unknown';

export interface RunInfo extends RunMeta {
  /** Absolute path of the run folder. */
  readonly dir: string;
  /** Set only when status is RUNNING. */
  readonly processState: ProcessState | undefined;
  /** `FINISHED`, `RUNNING`, `RUNNING (process gone)`, `RUNNING (on host x)`, … */
  readonly displayStatus: string;
}

/** Something odd the reader found and worked around; never fatal. */
export interface StoreIssue {
  readonly kind: 'torn-line' | 'corrupt-line' | 'leftover-temp-file' | 'unreadable-file' | 'corrupt-file';
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

export interface ArtifactInfo {
  /** Relative name, `/`-separated, as given to logArtifact. */
  readonly name: string;
  readonly size: number;
  readonly path: string;
}

export interface MetricHistoryPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
}

/** A model logged with `RunHandle.logModel` (`models.json`); its files are artifacts under `artifactPath`. */
export interface StoredModel {
  readonly name: string;
  readonly artifactPath: string;
  /** Paths relative to `artifactPath`, sorted. */
  readonly files: readonly string[];
  readonly modelType?: string;
  readonly step?: number;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly registeredModelName?: string;
}

/**
 * Where a run was replicated (`mlflow.json`, one entry per tracking URI), written by the MLflow
 * tracker and `wus sync` when they learn the remote ids: so `wus runs show` can link to MLflow
 * offline. The server stays the truth: replication finds runs by their `wus.localRunId` tag.
 */
export interface ReplicaRecord {
  readonly experimentId: string;
  readonly runId: string;
  /** Logged model name → MLflow model id. */
  readonly models?: Readonly<Record<string, string>>;
}

export interface RunDetails {
  readonly info: RunInfo;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** History per key, one point per step (the last logged wins), sorted by step. */
  readonly metrics: Readonly<Record<string, readonly MetricHistoryPoint[]>>;
  /** The value at the highest step of each key (MLflow's "latest" value). */
  readonly latestMetrics: Readonly<Record<string, number>>;
  readonly artifacts: readonly ArtifactInfo[];
  /** Data sets the run used (`inputs.json`). */
  readonly inputs: readonly DatasetInput[];
  /** Models it logged (`models.json`). */
  readonly models: readonly StoredModel[];
  /** MLflow copies by tracking URI (`mlflow.json`). */
  readonly replicas: Readonly<Record<string, ReplicaRecord>>;
  readonly issues: readonly StoreIssue[];
}

export interface ListRunsFilter {
  readonly experiment?: string;
  /** A run id: its children only. `null`: top-level runs only. Omitted: all runs. */
  readonly parentRunId?: string | null;
}

export interface ExperimentInfo {
  readonly name: string;
  readonly runCount: number;
  /** Start time of the newest run. */
  readonly lastStartTime: number;
}

/** What `wus runs` and `wus sync` read. */
export interface RunReader {
  listExperiments(): Promise<ExperimentInfo[]>;
  /** Sorted by start time, oldest first. */
  listRuns(filter?: ListRunsFilter): Promise<RunInfo[]>;
  /** A full id or a unique prefix of at least 6 characters. */
  getRun(id: string): Promise<RunDetails>;
  readArtifact(runId: string, name: string): Promise<Buffer>;
}
