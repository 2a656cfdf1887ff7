import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreError } from '@wus/tracking';

/**
 * Creates the run store's folder, one level at a time, before any data loads: a store that
 * cannot be written (a file in the way, no permission, a read-only or special file system) fails
 * here in a second with the path and what to do — not after the data loaded, and never in
 * Node's recursive mkdir, which spins for ever under /proc.
 */
export async function ensureStoreRoot(root: string): Promise<void> {
  const missing: string[] = [];
  let dir = root;
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory()) throw problem(root, `${dir} is a file, not a folder`);
      break;
    }
    if (dirname(dir) === dir) break;
    missing.unshift(dir);
    dir = dirname(dir);
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw problem(root, `cannot create ${d} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, e);
    }
  }
}

function problem(root: string, what: string, cause?: unknown): StoreError {
  return new StoreError('io', `run store ${root}: ${what}; set WUS_HOME to a folder you can write to (runs go to $WUS_HOME/runs; default ./.wus/runs)`, cause === undefined ? undefined : { cause });
}
