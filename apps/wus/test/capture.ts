import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRunStore, type RunInfo } from '@wus/tracking';
import { expect } from 'vitest';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process against its own run store, capturing what it prints. */
export async function wus(args: string[], storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'))): Promise<CliResult & { storeRoot: string }> {
  let stdout = '';
  let stderr = '';
  const output: Output = { out: (t) => void (stdout += `${t}\n`), err: (t) => void (stderr += `${t}\n`), interactive: false };
  const code = await runCli(args, { storeRoot, output });
  return { code, stdout, stderr, storeRoot };
}

/**
 * Reads back a `wus compare` from its run store: checks the table's baseline and WUS rows (WUS
 * skipping `skippedPct`) and that the study holds exactly the never and wus trials, finished.
 */
export async function expectStudy(r: CliResult & { storeRoot: string }, skippedPct: string): Promise<{ store: LocalRunStore; trials: RunInfo[] }> {
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[2]).toMatch(/^never\s.*\(baseline\).*\s0\.0 %$/);
  expect(lines[3]).toMatch(new RegExp(`^wus\\s.*\\s${skippedPct.replace('.', '\\.')} %$`));
  const store = new LocalRunStore(r.storeRoot);
  const runs = await store.listRuns({});
  const study = runs.find((x) => x.parentRunId === null)!;
  const trials = runs.filter((x) => x.parentRunId === study.runId);
  // Run names read `<model> · <trial> · seed <seed>`.
  expect(trials.map((t) => t.name.split(' · ')[1]).sort()).toEqual(['never', 'wus']);
  for (const t of trials) expect((await store.getRun(t.runId)).info.status).toBe('FINISHED');
  return { store, trials };
}
