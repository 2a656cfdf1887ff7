#!/usr/bin/env node
// Trains the study's parts (plan.yaml) that the run store does not hold yet: one interleaved
// `wus compare` per part × seed, tagged so that it is found again. A part × seed recorded
// FINISHED is skipped; one that stopped (killed, failed) is resumed from its checkpoints. So the
// study runs piecewise: `--parts`, `--seeds`, stop any time, run again.
//   node tools/study/run.mjs [--parts lenet5-main,lenet5-ablation] [--seeds 1,2] [--status]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalRunStore, defaultRunStoreRoot } from '@wus/tracking';
import { DEFAULT_PLAN, PART_TAG, REPO_ROOT, SEED_TAG, STUDY_TAG, loadPlan, partConfig, recordedParts, reportErrorsInOneLine } from './plan.mjs';

reportErrorsInOneLine();
const { values } = parseArgs({
  options: {
    plan: { type: 'string', default: DEFAULT_PLAN },
    parts: { type: 'string' },
    seeds: { type: 'string' },
    status: { type: 'boolean', default: false },
    // Tiny runs of the whole pipeline (tests): fewer images and epochs, under another study name.
    study: { type: 'string' },
    limit: { type: 'string' },
    epochs: { type: 'string' },
  },
});
const plan = loadPlan(values.plan);
if (values.study !== undefined) plan.study = values.study;
const positive = (flag, v) => {
  if (v === undefined) return {};
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got "${v}"`);
  return { [flag]: n };
};
const extra = { ...positive('limit', values.limit), ...positive('epochs', values.epochs) };
const listed = (v) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()));
const onlyParts = listed(values.parts);
for (const id of onlyParts ?? []) if (!plan.parts.some((p) => p.id === id)) throw new Error(`--parts: no part "${id}" in the plan; parts: ${plan.parts.map((p) => p.id).join(', ')}`);
const onlySeeds = listed(values.seeds)?.map(Number);
if (onlySeeds?.some((s) => !Number.isInteger(s))) throw new Error(`--seeds must be integers separated by commas, got "${values.seeds}"`);

const root = defaultRunStoreRoot();
const store = new LocalRunStore(root);
const configDir = join(root, '..', 'study-configs');
mkdirSync(configDir, { recursive: true });
const wus = join(REPO_ROOT, 'apps/wus/dist/main.js');

let failed = 0;
for (const part of plan.parts) {
  if (onlyParts !== undefined && !onlyParts.includes(part.id)) continue;
  const file = join(configDir, `${plan.study}-${part.id}.json`);
  writeFileSync(file, `${JSON.stringify(partConfig(plan, part, extra), null, 2)}\n`);
  for (const seed of part.seeds) {
    if (onlySeeds !== undefined && !onlySeeds.includes(seed)) continue;
    // Read again before each: another run.mjs (another piece of the study) may have recorded it meanwhile.
    const prior = (await recordedParts(store, plan)).get(`${part.id}/${seed}`)?.run;
    const what = `${part.id} seed ${seed}`;
    if (prior?.info.status === 'FINISHED') {
      console.error(`study: ${what}: recorded (study run ${prior.info.runId.slice(0, 8)}), not trained again`);
      continue;
    }
    if (prior?.info.status === 'RUNNING' && prior.info.processState !== 'gone') {
      console.error(`study: ${what}: being trained by another process (${prior.info.displayStatus}, study run ${prior.info.runId.slice(0, 8)}), left to it`);
      continue;
    }
    if (values.status) {
      console.error(`study: ${what}: ${prior === undefined ? 'not run yet' : `stopped (${prior.info.displayStatus}), would resume ${prior.info.runId.slice(0, 8)}`}`);
      continue;
    }
    const args =
      prior === undefined
        ? ['compare', '--config', file, '--seed', String(seed), '--tag', `${STUDY_TAG}=${plan.study}`, '--tag', `${PART_TAG}=${part.id}`, '--tag', `${SEED_TAG}=${seed}`]
        : ['compare', '--resume', prior.info.runId];
    console.error(`study: ${what}: ${prior === undefined ? 'training' : `resuming ${prior.info.runId.slice(0, 8)}`} — node apps/wus/dist/main.js ${args.join(' ')}`);
    const started = performance.now();
    const r = spawnSync(process.execPath, [wus, ...args], { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT });
    console.error(`study: ${what}: ${r.status === 0 ? 'done' : `failed (exit ${r.status ?? r.signal})`} in ${((performance.now() - started) / 60000).toFixed(1)} min`);
    if (r.status !== 0) failed++;
    // Ctrl-C stops the study, not just the current part.
    if (r.signal === 'SIGINT' || r.status === 130) process.exit(130);
  }
}
// Whatever reached the store while the server was away goes to MLflow now (`wus sync`, idempotent).
if (!values.status && process.env['MLFLOW_TRACKING_URI'] !== undefined) {
  const r = spawnSync(process.execPath, [wus, 'sync', '--experiment', plan.study], { stdio: ['ignore', 'inherit', 'inherit'], cwd: REPO_ROOT });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
