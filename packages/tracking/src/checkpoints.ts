import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@wus/core';
import { isTempFileName, writeFileAtomic } from './fs-util.js';

/** Checkpoint files: `ckpt-<sequence>.wusckpt`, the sequence counting up from 1. */
const CHECKPOINT_FILE = /^ckpt-(\d{6,})\.wusckpt$/;

export interface CheckpointDirectoryOptions {
  /** How many checkpoints to keep (the newest); older ones are deleted once a newer one is safely written. Default 2. */
  readonly keep?: number;
  /** Writes a file atomically (tests inject failures here). Default: temp file, fsync, rename, fsync the folder. */
  readonly writeFile?: (path: string, data: Uint8Array | string) => Promise<void>;
}

/**
 * A run's checkpoints, in their own folder (`<run>/checkpoints/` in the local store). Each is
 * written whole to a temp file, fsynced and renamed into place, and only then are the oldest
 * beyond `keep` deleted: a crash or a full disk mid-write leaves the previous checkpoints as they
 * were and at most a temp file, which `list` ignores and the next save removes.
 */
export class CheckpointDirectory {
  private readonly keep: number;
  private readonly writeFile: (path: string, data: Uint8Array | string) => Promise<void>;

  constructor(
    readonly dir: string,
    options: CheckpointDirectoryOptions = {},
  ) {
    this.keep = options.keep ?? 2;
    if (!Number.isInteger(this.keep) || this.keep < 1) throw new CheckpointError('write', `checkpoints to keep must be a positive integer, got ${this.keep}`);
    this.writeFile = options.writeFile ?? ((path, data) => writeFileAtomic(path, data));
  }

  /** Checkpoint file names, oldest first. */
  async list(): Promise<string[]> {
    const names = await this.entries();
    return names.filter((n) => CHECKPOINT_FILE.test(n)).sort();
  }

  /** Writes the next checkpoint; returns its path. */
  async save(bytes: Uint8Array): Promise<string> {
    const existing = await this.list();
    const last = existing.at(-1);
    const next = last === undefined ? 1 : Number(CHECKPOINT_FILE.exec(last)![1]) + 1;
    const name = `ckpt-${String(next).padStart(6, '0')}.wusckpt`;
    const path = join(this.dir, name);
    try {
      await this.writeFile(path, bytes);
    } catch (e) {
      const code = (e as { cause?: NodeJS.ErrnoException }).cause?.code ?? (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOSPC' ? 'the disk is full (ENOSPC)' : (e as Error).message;
      const previous = last === undefined ? 'there is no earlier checkpoint' : `the previous checkpoint ${join(this.dir, last)} is intact`;
      throw new CheckpointError('write', `cannot write checkpoint ${path}: ${why}; nothing was half-written and ${previous}`, { cause: e });
    }
    // Leftovers of interrupted writes, and checkpoints beyond the newest `keep`.
    const stale = [...(await this.entries()).filter(isTempFileName), ...[...existing, name].slice(0, -this.keep)];
    await Promise.all(stale.map((n) => rm(join(this.dir, n), { force: true })));
    return path;
  }

  async read(name: string): Promise<Uint8Array> {
    return readFile(join(this.dir, name));
  }

  private async entries(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}
