import type { MlflowClient } from '@wus/mlflow-js';
import { StoreError, TrackingServerError } from '../errors.js';
import type { LocalRunStore } from '../local-store.js';
import type { RunInfo } from '../store-types.js';
import { validateExperimentName } from '../validation.js';
import { isFatalForTracker } from './errors.js';
import { ReplicationContext, reconcileRun, type ReconcileReport } from './replicate.js';

export interface SyncOptions {
  /** Only the runs of this local experiment (default: all). */
  readonly experiment?: string;
  /** Called after each run (for progress output). */
  readonly onRun?: (result: SyncRunResult) => void;
}

export type SyncRunResult =
  | { readonly ok: true; readonly run: RunInfo; readonly report: ReconcileReport }
  | { readonly ok: false; readonly run: RunInfo; readonly error: Error };

export interface SyncReport {
  readonly trackingUri: string;
  readonly results: readonly SyncRunResult[];
  /** Runs whose MLflow copy was created by this sync. */
  readonly created: number;
  readonly metricsSent: number;
  /** Runs that could not be synced (their errors are in `results`). */
  readonly failed: number;
}

/**
 * Replays the local run store into an MLflow server, idempotently: each local run is matched
 * to the MLflow run tagged `wus.localRunId = <id>` (created when missing, its parent first so
 * `mlflow.parentRunId` links them) and only what the server lacks is sent. Running it twice
 * sends nothing the second time. A run the server refuses (e.g. a param changed) is reported
 * and the others go on; an unreachable server, refused credentials or a deleted experiment
 * stop the sync with a TrackingServerError. The local store is only read.
 */
export async function syncToMlflow(store: LocalRunStore, client: MlflowClient, options: SyncOptions = {}): Promise<SyncReport> {
  const filter = options.experiment === undefined ? {} : { experiment: validateExperimentName(options.experiment) };
  const runs = await store.listRuns(filter);
  if (runs.length === 0 && options.experiment !== undefined) {
    const known = (await store.listExperiments()).map((e) => e.name);
    throw new StoreError(
      'run-not-found',
      `No local runs in experiment "${options.experiment}" in ${store.root}. ` +
        (known.length === 0 ? 'The run store is empty.' : `Local experiments: ${known.join(', ')}.`),
    );
  }
  // Parents before children, each group oldest first (listRuns sorts by start time).
  const ordered = [...runs.filter((r) => r.parentRunId === null), ...runs.filter((r) => r.parentRunId !== null)];
  const ctx = new ReplicationContext(client, store);
  const results: SyncRunResult[] = [];
  for (const run of ordered) {
    let result: SyncRunResult;
    try {
      result = { ok: true, run, report: await reconcileRun(ctx, run.runId) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      // Server-wide problems stop the sync; a problem of this run (refused data, a missing
      // local parent…) is reported and the others go on.
      if (!(error instanceof StoreError) || (error instanceof TrackingServerError && (error.reason === 'server-unreachable' || isFatalForTracker(error)))) {
        throw error;
      }
      result = { ok: false, run, error };
    }
    results.push(result);
    options.onRun?.(result);
  }
  const oks = results.flatMap((r) => (r.ok ? [r.report] : []));
  return {
    trackingUri: client.trackingUri,
    results,
    created: oks.filter((r) => r.created).length,
    metricsSent: oks.reduce((n, r) => n + r.metricsSent, 0),
    failed: results.length - oks.length,
  };
}
