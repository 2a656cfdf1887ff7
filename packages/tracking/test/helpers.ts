import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh temp folder, removed after the test. */
export async function tempRoot(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wus-tracking-'));
  dirs.push(d);
  return d;
}

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Every file under `dir` with its bytes and mtime, for "nothing changed" assertions. */
export async function snapshot(dir: string): Promise<Record<string, { content: string; mtimeMs: number }>> {
  const out: Record<string, { content: string; mtimeMs: number }> = {};
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else out[relative(dir, p)] = { content: (await readFile(p)).toString('base64'), mtimeMs: (await stat(p)).mtimeMs };
    }
  };
  await visit(dir);
  return out;
}

/** A clock that ticks 1 ms per call from a fixed origin, so start times are distinct and ordered. */
export function fakeClock(start = 1_700_000_000_000): () => number {
  let t = start;
  return () => t++;
}
