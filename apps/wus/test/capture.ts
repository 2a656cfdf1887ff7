import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
