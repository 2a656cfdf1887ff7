import { ConfigError } from '@wus/core';
import { RunNotFoundError, type LocalRunStore, type RunDetails } from '@wus/tracking';
import { ROLE_TAG } from '../experiment/resume.js';

/** Tags that tie a trial's run to its sweep: the idempotency key is (sweep, trial). */
export const SWEEP_TAGS = {
  sweep: 'wus.sweep',
  trial: 'wus.sweep.trial',
  /** `host:pid` of the worker that ran (or runs) it last. */
  worker: 'wus.sweep.worker',
  /** Why a trial failed for good (set once; such a trial is not retried). */
  error: 'wus.sweep.error',
} as const;

/** The sweep's plan, logged on its run when it starts: what `status`, `results` and `--resume` read. */
export const SWEEP_ARTIFACT = 'sweep.json';

export interface PlannedTrial {
  readonly key: string;
  readonly label: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** Its full training configuration, validated. */
  readonly config: Record<string, unknown>;
}

export interface SweepPlan {
  readonly name: string;
  readonly experiment: string;
  /** The policy whose trials are the others' baselines. */
  readonly baseline: string;
  /** The BullMQ queue its trials went to (absent: run in the sweep's own process). */
  readonly queue?: string;
  readonly trials: readonly PlannedTrial[];
}

/** The plan of sweep `id` (a unique run-id prefix is enough); a run that is no sweep is refused. */
export async function readPlan(store: LocalRunStore, id: string): Promise<{ run: RunDetails; plan: SweepPlan }> {
  let run: RunDetails;
  try {
    run = await store.getRun(id);
  } catch (e) {
    if (e instanceof RunNotFoundError) throw new ConfigError(`sweep ${id}: ${e.message}`, { cause: e });
    throw e;
  }
  if (run.tags[ROLE_TAG] !== 'sweep') throw new ConfigError(`run ${run.info.runId} is not a sweep (\`wus runs list\` shows runs; a sweep's run is named "sweep …")`);
  const plan = JSON.parse((await store.readArtifact(run.info.runId, SWEEP_ARTIFACT)).toString('utf8')) as SweepPlan;
  return { run, plan };
}

/**
 * The runs of a sweep's trials, by trial key, found by their tags in the run store every worker
 * writes to. Should a trial have two (a duplicate delivery racing its first), the first stands.
 */
export async function trialRuns(store: LocalRunStore, sweepId: string): Promise<Map<string, RunDetails>> {
  const out = new Map<string, RunDetails>();
  for (const r of await store.listRuns({ parentRunId: sweepId })) {
    const d = await store.getRun(r.runId);
    const key = d.tags[SWEEP_TAGS.trial];
    if (key !== undefined && d.tags[SWEEP_TAGS.sweep] === sweepId && !out.has(key)) out.set(key, d);
  }
  return out;
}
