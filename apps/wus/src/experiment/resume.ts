import { isDeepStrictEqual } from 'node:util';
import { CheckpointError, ConfigError, InterruptedError, type WusError } from '@wus/core';
import { RunNotFoundError, StoreError, type LocalRunStore, type RunDetails } from '@wus/tracking';
import type { z } from 'zod';
import { FLAG_OF } from '../config/explain.js';

/** Settings a resumed run may take from the command line: where things are on this machine. */
const MAY_CHANGE: ReadonlySet<string> = new Set(['dataDir', 'backend', 'plugins']);

/** Tag that says what a run is: a `study` (compare) or a `trial`. */
export const ROLE_TAG = 'wus.role';
/** Tag holding a trial's label in its study (`never`, `wus`, `wus_2`, `control`). */
export const TRIAL_TAG = 'wus.trial';
/** The resolved configuration every run logs as an artifact when it starts. */
export const CONFIG_ARTIFACT = 'config.json';

/**
 * The run `--resume <id>` names, checked: it exists (a unique prefix is enough), is what the
 * command continues (a study for `compare`, a stand-alone trial for `train`), did not finish and
 * is not being written by a live process. Every refusal is one line saying what to do instead.
 */
export async function resumableRun(store: LocalRunStore, id: string, command: 'train' | 'compare'): Promise<RunDetails> {
  let run: RunDetails;
  try {
    run = await store.getRun(id);
  } catch (e) {
    if (e instanceof RunNotFoundError) throw new ConfigError(`--resume ${id}: ${e.message}`, { cause: e });
    throw e;
  }
  const { runId, status, parentRunId, processState, pid } = run.info;
  const role = run.tags[ROLE_TAG];
  if (command === 'train' && role === 'study') throw new ConfigError(`run ${runId} is a study (wus compare): resume it with \`wus compare --resume ${runId.slice(0, 8)}\``);
  if (command === 'train' && parentRunId !== null) {
    throw new ConfigError(`run ${runId} is a trial of study ${parentRunId}: resume the study with \`wus compare --resume ${parentRunId.slice(0, 8)}\``);
  }
  if (command === 'compare' && role !== 'study') throw new ConfigError(`run ${runId} is not a study (wus compare) but a single run: resume it with \`wus train --resume ${runId.slice(0, 8)}\``);
  if (status === 'FINISHED') throw new ConfigError(`run ${runId} finished; there is nothing to resume`);
  if (status === 'RUNNING' && processState !== 'gone') {
    throw new ConfigError(`run ${runId} is still running (process ${pid}${processState === 'unknown' ? ` on ${run.info.hostname}` : ''}); stop it first`);
  }
  if (!run.artifacts.some((a) => a.name === CONFIG_ARTIFACT)) {
    throw new ConfigError(`run ${runId} has no ${CONFIG_ARTIFACT} (it was started by an older wus, or its start was interrupted): it cannot be resumed; start it again`);
  }
  return run;
}

/** The configuration a run started with, as it logged it. */
export async function storedConfig(store: LocalRunStore, run: RunDetails): Promise<Record<string, unknown>> {
  try {
    return JSON.parse((await store.readArtifact(run.info.runId, CONFIG_ARTIFACT)).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new ConfigError(`run ${run.info.runId}: its ${CONFIG_ARTIFACT} is unreadable (${(e as Error).message}); it cannot be resumed`, { cause: e });
  }
}

/**
 * A resumed run continues with the settings it started with. Settings given again on the command
 * line (or in --config) must say the same, but for where things are on this machine (data
 * directory, backend, plugin paths): anything else — another model, data set, learning rate,
 * policy options — is a different run, refused before anything loads.
 */
export function resumedConfig<S extends z.ZodType>(
  schema: S,
  stored: Record<string, unknown>,
  given: Record<string, unknown>,
  runId: string,
  /** What the edit flags (`-o`, `--model-option`, …) do to a parsed configuration. */
  edit: (config: z.output<S>) => z.output<S>,
): z.output<S> {
  const base = schema.safeParse(stored);
  if (!base.success) throw new ConfigError(`run ${runId}: its ${CONFIG_ARTIFACT} is not a configuration this wus reads (${base.error.issues[0]?.message}); it cannot be resumed`);
  const merged = schema.safeParse({ ...stored, ...given });
  if (!merged.success) throw new ConfigError(`--resume ${runId.slice(0, 8)}: ${merged.error.issues[0]?.path.join('.')}: ${merged.error.issues[0]?.message}`);
  const was = base.data as Record<string, unknown>;
  const now = edit(merged.data) as Record<string, unknown>;
  if (was['keepCheckpoints'] === 0) throw new ConfigError(`run ${runId} ran with --keep-checkpoints 0: it kept no checkpoint to resume from; start it again`);
  const changed = Object.keys(now).filter((k) => !MAY_CHANGE.has(k) && !isDeepStrictEqual(now[k], was[k]));
  if (changed.length > 0) {
    const list = changed.map((k) => `${FLAG_OF[k] ?? k} ${JSON.stringify(now[k])} (the run has ${JSON.stringify(was[k])})`).join(', ');
    throw new ConfigError(`--resume ${runId.slice(0, 8)} continues the run with its own settings, and these differ: ${list}; drop them, or start a new run`);
  }
  return now as z.output<S>;
}

/**
 * An interrupted run, or one whose checkpoint could not be written (the previous one is intact),
 * can go on: the message says how. Other errors are returned as they are.
 */
export function withResumeHint(e: WusError, command: 'train' | 'compare' | 'sweep', runId: string, config: { keepCheckpoints: number }): WusError {
  if (config.keepCheckpoints === 0) return e;
  const hint = `; resume with \`wus ${command} --resume ${runId.slice(0, 8)}\``;
  if (e instanceof InterruptedError) return new InterruptedError(`${e.message}${hint}`, { cause: e });
  if (e instanceof CheckpointError && e.reason === 'write') return new CheckpointError('write', `${e.message}${hint} once there is room`, { cause: e });
  return e;
}
