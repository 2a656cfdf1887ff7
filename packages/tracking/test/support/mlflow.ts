import type { MlflowClient } from '@wus/mlflow-js';
import { LOCAL_RUN_ID_TAG } from '../../src/index.js';

/** The MLflow run replicating a local run (found by its tag), or undefined. */
export async function remoteRunOf(client: MlflowClient, experiment: string, localRunId: string) {
  const exp = await client.experiments.getByName(experiment);
  if (exp === undefined) return undefined;
  const runs = await client.runs.searchAll({ experimentIds: [exp.experimentId], filter: `tags.\`${LOCAL_RUN_ID_TAG}\` = '${localRunId}'` });
  if (runs.length > 1) throw new Error(`${runs.length} MLflow runs for local run ${localRunId}: duplicates`);
  return runs[0];
}

/** Every metric point of a remote run, per key, as [step, value, timestamp] sorted by step. */
export async function remoteSeries(client: MlflowClient, runId: string): Promise<Record<string, [number, number, number][]>> {
  const run = await client.runs.get(runId);
  const out: Record<string, [number, number, number][]> = {};
  for (const key of run.data.metrics.map((m) => m.key).sort()) {
    out[key] = (await client.metrics.historyAll(runId, key))
      .map((m): [number, number, number] => [m.step, m.value, m.timestamp])
      .sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  }
  return out;
}

/** The same view of a local run. */
export function localSeries(metrics: Readonly<Record<string, readonly { step: number; value: number; timestamp: number }[]>>): Record<string, [number, number, number][]> {
  const out: Record<string, [number, number, number][]> = {};
  for (const key of Object.keys(metrics).sort()) out[key] = (metrics[key] ?? []).map((p): [number, number, number] => [p.step, p.value, p.timestamp]);
  return out;
}

export function countPoints(series: Record<string, unknown[]>): number {
  return Object.values(series).reduce((n, s) => n + s.length, 0);
}
