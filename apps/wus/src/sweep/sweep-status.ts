import type { RunDetails } from '@wus/tracking';
import { alignColumns } from '../report/compare-table.js';
import { SWEEP_TAGS, type SweepPlan } from './sweep-records.js';

/**
 * Where a trial stands. `interrupted`: its worker stopped mid-trial (killed, or Redis gone) and
 * the queue will hand it to another, which resumes it from its newest checkpoint.
 */
export type TrialState = 'queued' | 'running' | 'interrupted' | 'done' | 'failed';

export interface TrialStatus {
  readonly key: string;
  readonly label: string;
  readonly state: TrialState;
  /** Which worker, how far, or why it failed. */
  readonly detail: string;
  readonly runId: string | undefined;
}

/** A trial's state from its run in the store and, for trials the queue gave up on, the queue. */
export function trialStatuses(plan: SweepPlan, runs: ReadonlyMap<string, RunDetails>, queueFailures: ReadonlyMap<string, string>): TrialStatus[] {
  return plan.trials.map((t) => {
    const run = runs.get(t.key);
    const base = { key: t.key, label: t.label, runId: run?.info.runId };
    if (run === undefined) {
      const reason = queueFailures.get(t.key);
      return reason === undefined ? { ...base, state: 'queued', detail: '' } : { ...base, state: 'failed', detail: reason };
    }
    const error = run.tags[SWEEP_TAGS.error];
    if (error !== undefined) return { ...base, state: 'failed', detail: error };
    if (run.info.status === 'FINISHED') return { ...base, state: 'done', detail: `test acc ${percent(run.latestMetrics['test_accuracy'])}` };
    const epochs = `epoch ${new Set((run.metrics['loss'] ?? []).map((p) => p.step)).size}/${String(t.config['epochs'] ?? '?')} done`;
    const worker = run.tags[SWEEP_TAGS.worker] ?? `${run.info.hostname}:${run.info.pid}`;
    if (run.info.status === 'RUNNING' && run.info.processState !== 'gone') return { ...base, state: 'running', detail: `on ${worker}, ${epochs}` };
    return { ...base, state: 'interrupted', detail: `worker ${worker} stopped, ${epochs}; waits for re-delivery` };
  });
}

const percent = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(2)} %`);

/** `12 trials: 5 done, 3 running, 1 interrupted, 3 queued, 0 failed` and a row per trial. */
export function formatStatus(sweepId: string, plan: SweepPlan, statuses: readonly TrialStatus[]): string {
  const count = (s: TrialState) => statuses.filter((x) => x.state === s).length;
  const states: TrialState[] = ['done', 'running', 'interrupted', 'queued', 'failed'];
  const summary = `sweep ${sweepId.slice(0, 8)} "${plan.name}": ${statuses.length} trials: ${states.map((s) => `${count(s)} ${s}`).join(', ')}`;
  const table = alignColumns(
    ['key', 'trial', 'state', 'run', 'detail'],
    statuses.map((s) => [s.key, s.label, s.state, s.runId?.slice(0, 8) ?? '-', s.detail]),
    5,
  );
  return `${summary}\n${table}`;
}

/** Every trial is done or failed. */
export function settled(statuses: readonly TrialStatus[]): boolean {
  return statuses.every((s) => s.state === 'done' || s.state === 'failed');
}
