import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ExportError } from '../errors.js';

/** Whether `dir` may receive an export: absent, or an empty directory. */
export async function assertWritableTarget(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new ExportError(`${dir} exists and is a file; choose a new directory to export to`);
    throw new ExportError(`cannot read ${dir}: ${(e as Error).message}`, { cause: e });
  }
  if (entries.length > 0) throw new ExportError(`${dir} exists and is not empty; choose a new directory to export to (nothing is overwritten)`);
}

async function writeSynced(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `files` as the directory `dir`, all or nothing: they go to a hidden temp directory
 * beside it (`.<name>.<random hex>`), are fsynced, and the temp directory is renamed to `dir` — a
 * reader or a crash sees no directory or a complete one. `dir` must be absent or empty.
 */
export async function writeDirectoryAtomic(dir: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
  const target = resolve(dir);
  await assertWritableTarget(target);
  let tmp: string | undefined;
  try {
    await mkdir(dirname(target), { recursive: true });
    // Not mkdtemp: its 0700 would stay on the export; mkdir gives the umask's usual permissions.
    const fresh = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}`);
    await mkdir(fresh);
    tmp = fresh;
    for (const [name, data] of files) await writeSynced(join(tmp, name), data);
    // rename() cannot replace a directory on every platform; an empty one is removed first.
    await rmdir(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(tmp, target);
    tmp = undefined;
  } catch (e) {
    if (e instanceof ExportError) throw e;
    throw new ExportError(`cannot write ${dir}: ${(e as Error).message}`, { cause: e });
  } finally {
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
  }
}
