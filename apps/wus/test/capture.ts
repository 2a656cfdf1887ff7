import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCheckpoint } from '@wus/core';
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

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The CLI in a process of its own (from the TypeScript sources), so that it can be SIGKILLed. */
export function spawnCli(args: string[], env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts', ...args], { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** The exit code of a spawned process, once it exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Positions of the checkpoints the runs of an experiment have written so far (newest last per run). */
export function checkpoints(storeRoot: string, experiment: string): { epochsDone: number; stepInEpoch: number }[] {
  const exp = join(storeRoot, experiment);
  const out: { epochsDone: number; stepInEpoch: number }[] = [];
  for (const run of safeList(exp)) {
    const dir = join(exp, run, 'checkpoints');
    for (const f of safeList(dir).filter((n) => n.endsWith('.wusckpt')).sort()) {
      try {
        out.push(decodeCheckpoint(readFileSync(join(dir, f)), f).position);
      } catch {
        // Pruned between listing and reading.
      }
    }
  }
  return out;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
