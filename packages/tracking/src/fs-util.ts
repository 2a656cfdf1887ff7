import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StoreError } from './errors.js';

/** Temp files are `.<target>.<pid>.<random>.tmp` next to their target. */
export const TEMP_SUFFIX = '.tmp';

export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

export function ioError(action: string, path: string, cause: unknown, runId?: string): StoreError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const hint =
    code === 'ENOSPC'
      ? ' The disk is full: free space and try again.'
      : code === 'EACCES' || code === 'EPERM'
        ? ' Permission denied: check the run store directory ($WUS_HOME).'
        : code === 'EROFS'
          ? ' The file system is read-only: point $WUS_HOME at a writable directory.'
          : '';
  return new StoreError('io', `Cannot ${action} ${path}: ${(cause as Error)?.message ?? String(cause)}.${hint}`, {
    cause,
    ...(runId === undefined ? {} : { runId }),
  });
}

/** fsync a directory so a rename or a new entry survives a power loss (best effort off Linux). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open or fsync directories; the rename itself is still atomic.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * Replaces `path` atomically: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory. A reader sees the old content or the new, never a mix; a
 * crash leaves at most a temp file behind, which readers ignore (and report).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, runId?: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw ioError('write', path, e, runId);
  }
  await fsyncDir(dir);
}

export async function writeJsonAtomic(path: string, value: unknown, runId?: string): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, runId);
}

export type ReadJsonResult = { ok: true; value: unknown } | { ok: false; missing: boolean; error: string };

export async function readJson(path: string): Promise<ReadJsonResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, missing, error: (e as Error).message };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, missing: false, error: `invalid JSON (${(e as Error).message})` };
  }
}
