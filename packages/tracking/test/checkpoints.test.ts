import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '@wus/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointDirectory } from '../src/checkpoints.js';
import { StoreError } from '../src/errors.js';
import { tempRoot } from './helpers.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** Mounting a tmpfs needs root (and a kernel that lets this container mount). */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mounted: string[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) execFileSync('umount', [m]);
});

describe('CheckpointDirectory', () => {
  it('writes numbered checkpoints and keeps the newest `keep`', async () => {
    const dir = join(await tempRoot(), 'checkpoints');
    const store = new CheckpointDirectory(dir, { keep: 2 });
    expect(await store.list()).toEqual([]);
    for (let i = 1; i <= 4; i++) await store.save(bytes(10, i));
    expect(await store.list()).toEqual(['ckpt-000003.wusckpt', 'ckpt-000004.wusckpt']);
    expect(await store.read('ckpt-000004.wusckpt')).toEqual(Buffer.from(bytes(10, 4)));
  });

  it('a failed write leaves the previous checkpoints intact and no half-written file; the next save clears leftovers', async () => {
    const dir = join(await tempRoot(), 'checkpoints');
    await mkdir(dir);
    let fail = false;
    const store = new CheckpointDirectory(dir, {
      keep: 1,
      writeFile: async (path, data) => {
        if (!fail) return writeFile(path, data);
        // What an interrupted atomic write can leave behind: its temp file.
        await writeFile(join(dir, '.ckpt-000002.wusckpt.1.abc.tmp'), 'partial');
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    });
    await store.save(bytes(8, 1));
    fail = true;
    const err = await store.save(bytes(8, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).reason).toBe('write');
    expect((err as Error).message).toMatch(/cannot write checkpoint .*ckpt-000002\.wusckpt: the disk is full \(ENOSPC\); nothing was half-written and the previous checkpoint .*ckpt-000001\.wusckpt is intact/);
    expect(await store.list()).toEqual(['ckpt-000001.wusckpt']);
    fail = false;
    await store.save(bytes(8, 3));
    expect((await readdir(dir)).sort()).toEqual(['ckpt-000002.wusckpt']);
  });

  it.skipIf(!canMountTmpfs())('on a really full disk (a 64 KiB tmpfs): a clear error, the previous checkpoint intact and readable, nothing half-written', async () => {
    const mnt = await tempRoot();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    mounted.push(mnt);
    const store = new CheckpointDirectory(join(mnt, 'checkpoints'), { keep: 2 });
    const first = bytes(36 * 1024, 7);
    await store.save(first);
    const err = await store.save(bytes(36 * 1024, 8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(/the disk is full \(ENOSPC\); nothing was half-written and the previous checkpoint .*ckpt-000001\.wusckpt is intact/);
    expect((err as CheckpointError).cause).toBeInstanceOf(StoreError);
    expect(await readdir(join(mnt, 'checkpoints'))).toEqual(['ckpt-000001.wusckpt']);
    expect(await readFile(join(mnt, 'checkpoints', 'ckpt-000001.wusckpt'))).toEqual(Buffer.from(first));
  });

  it('refuses a keep count that is not a positive integer', () => {
    expect(() => new CheckpointDirectory('/x', { keep: 0 })).toThrow(/checkpoints to keep must be a positive integer, got 0/);
  });
});
