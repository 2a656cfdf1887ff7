import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { afterEach, describe, expect, it } from 'vitest';
import { wus } from './capture.js';

/** A small tmpfs is a real full disk; mounting one needs root (as in CI). */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'wus-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  }
}

const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) execFileSync('umount', [m]);
});

const ARGS = ['train', '--model', 'mlp', '--limit', '1024', '--epochs', '3', '--batch-size', '64'];

describe.skipIf(!canMount())('a full disk while checkpointing (a real tmpfs)', () => {
  it('stops with one clear line (exit 5), the previous checkpoint intact, nothing half-written; the run resumes once there is room', async () => {
    // How big one checkpoint of this run is, measured on an ordinary disk.
    const probe = await wus([...ARGS, '--epochs', '1']);
    expect(probe.code, probe.stderr).toBe(0);
    const [probeRun] = await new LocalRunStore(probe.storeRoot).listRuns({});
    const ckptDir = join(probe.storeRoot, 'wus-fashion-mnist', probeRun!.runId, 'checkpoints');
    const size = statSync(join(ckptDir, readdirSync(ckptDir)[0]!)).size;

    // Room for the run's small files and one and a half checkpoints: the second cannot be written.
    const mnt = mkdtempSync(join(tmpdir(), 'wus-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil((1.5 * size + 256 * 1024) / 4096) * 4096}`, 'tmpfs', mnt]);
    mounts.push(mnt);
    const r = await wus(ARGS, mnt);
    expect(r.code, r.stderr).toBe(5);
    const [run] = await new LocalRunStore(mnt).listRuns({});
    const id = run!.runId;
    const dir = join(mnt, 'wus-fashion-mnist', id, 'checkpoints');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `wus: error: cannot write checkpoint ${join(dir, 'ckpt-000002.wusckpt')}: the disk is full (ENOSPC); nothing was half-written and the previous checkpoint ${join(dir, 'ckpt-000001.wusckpt')} is intact; resume with \`wus train --resume ${id.slice(0, 8)}\` once there is room`,
    );
    expect(readdirSync(dir)).toEqual(['ckpt-000001.wusckpt']);
    expect(decodeCheckpoint(readFileSync(join(dir, 'ckpt-000001.wusckpt')), 'ckpt-000001').position).toEqual({ epochsDone: 1, stepInEpoch: 0, step: 16 });
    const details = await new LocalRunStore(mnt).getRun(id);
    expect(details.info.status).toBe('FAILED');
    expect(details.issues).toEqual([]);

    // Room again (the store moved to a larger disk): the run goes on from epoch 1 and finishes.
    const roomy = mkdtempSync(join(tmpdir(), 'wus-store-'));
    cpSync(mnt, roomy, { recursive: true });
    const resumed = await wus(['train', '--resume', id], roomy);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/: resuming run [0-9a-f]{8}: after epoch 1$/m);
    expect((await new LocalRunStore(roomy).getRun(id)).info.status).toBe('FINISHED');
  });
});
