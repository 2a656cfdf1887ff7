// The study's plan (plan.yaml) and where its parts stand in the run store; shared by run.mjs
// (which trains what is missing) and report.mjs (which only reads).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const STUDY_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(STUDY_DIR, '..', '..');
export const DEFAULT_PLAN = join(STUDY_DIR, 'plan.yaml');

/**
 * A bad plan or flag is one line, `study: error: …`, exit code 2 — before anything trains or is
 * written (the scripts check their input first and call this at their start).
 */
export function reportErrorsInOneLine() {
  process.on('uncaughtException', (e) => {
    console.error(`study: error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  });
}

/** Tags every run of a study carries (`wus compare --tag`): they find a part × seed again. */
export const STUDY_TAG = 'study';
export const PART_TAG = 'study.part';
export const SEED_TAG = 'study.seed';
const ROLE_TAG = 'wus.role';

/** The plan, checked enough that a typo fails before anything trains. */
export function loadPlan(file = DEFAULT_PLAN) {
  const plan = YAML.parse(readFileSync(file, 'utf8'));
  if (typeof plan?.study !== 'string' || !Array.isArray(plan.parts)) throw new Error(`${file}: needs "study" (a name) and "parts" (a list)`);
  const ids = new Set();
  for (const p of plan.parts) {
    if (typeof p.id !== 'string' || ids.has(p.id)) throw new Error(`${file}: every part needs a unique "id" (got ${JSON.stringify(p.id)})`);
    ids.add(p.id);
    if (!['budget', 'main', 'ablation'].includes(p.kind)) throw new Error(`${file}: part ${p.id}: kind must be budget, main or ablation`);
    if (!Array.isArray(p.seeds) || p.seeds.some((s) => !Number.isInteger(s))) throw new Error(`${file}: part ${p.id}: seeds must be a list of integers`);
    if (p.alsoFrom !== undefined && !plan.parts.some((q) => q.id === p.alsoFrom)) throw new Error(`${file}: part ${p.id}: alsoFrom names no part ("${p.alsoFrom}")`);
    if (!Array.isArray(p.trials) || p.trials[0]?.spec !== 'never') throw new Error(`${file}: part ${p.id}: trials must be a list starting with the baseline (spec: never)`);
  }
  return plan;
}

/** The `wus compare` config of a part: the plan's common settings, the part's, its trials' policies. */
export function partConfig(plan, part, extra = {}) {
  return { ...plan.common, ...part.config, ...extra, experiment: plan.study, policies: part.trials.map((t) => t.spec) };
}

/**
 * The recorded study runs (one `wus compare` each) of the plan's study, keyed `part/seed`: the
 * newest one of each, with its trials (RunDetails) by label.
 */
export async function recordedParts(store, plan) {
  const out = new Map();
  let runs;
  try {
    runs = await store.listRuns({ experiment: plan.study, parentRunId: null });
  } catch {
    return out; // no store yet
  }
  for (const info of runs) {
    const run = await store.getRun(info.runId);
    if (run.tags[ROLE_TAG] !== 'study' || run.tags[STUDY_TAG] !== plan.study) continue;
    const key = `${run.tags[PART_TAG]}/${run.tags[SEED_TAG]}`;
    const seen = out.get(key);
    // A FINISHED run beats an unfinished one; otherwise the newest (listRuns is by start time).
    if (seen !== undefined && seen.run.info.status === 'FINISHED' && run.info.status !== 'FINISHED') continue;
    out.set(key, { run, trials: undefined });
  }
  for (const entry of out.values()) {
    const trials = new Map();
    for (const t of await store.listRuns({ parentRunId: entry.run.info.runId })) {
      const d = await store.getRun(t.runId);
      trials.set(d.tags['wus.trial'], d);
    }
    entry.trials = trials;
  }
  return out;
}
