import { StopSignal } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { installSignalHandlers } from '../src/cli/signals.js';
import type { Output } from '../src/container.js';

describe('interrupts', () => {
  it('a stop request ends training after the current step: runs KILLED, exit 130, the store intact', async () => {
    const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
    const stop = new StopSignal();
    let stderr = '';
    // Ask to stop as soon as the first epoch has been reported, as Ctrl-C during epoch 2 would.
    const output: Output = { out: () => undefined, err: (t) => void ((stderr += `${t}\n`), / epoch {2}1\/6 /.test(t) && stop.request('SIGINT')), interactive: false };
    const code = await runCli(['compare', '--limit', '1024', '--epochs', '6', '-P', 'never,wus', '--batch-size', '32'], { storeRoot, output, stop });
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/^wus: error: interrupted \(SIGINT\) after step \d+ of epoch \d/m);
    const store = new LocalRunStore(storeRoot);
    const runs = await store.listRuns({});
    expect(runs).toHaveLength(3);
    for (const r of runs) {
      const d = await store.getRun(r.runId);
      expect(d.info.status, r.name).toBe('KILLED');
      expect(d.issues).toEqual([]);
    }
    // Interleaved: each trial finished epoch 1 at most once, nobody reached epoch 3.
    expect(stderr).not.toMatch(/ epoch {2}3\/6 /);
  });

  it('the first SIGINT requests a stop, the second exits at once with 130', () => {
    const stop = new StopSignal();
    const said: string[] = [];
    const exits: number[] = [];
    const uninstall = installSignalHandlers(stop, (t) => said.push(t), (c) => exits.push(c));
    try {
      process.emit('SIGINT', 'SIGINT');
      expect(stop.requested).toBe(true);
      expect(exits).toEqual([]);
      process.emit('SIGTERM', 'SIGTERM');
      expect(exits).toEqual([130]);
      expect(said).toEqual(['wus: SIGINT: stopping after the current step (send it again to exit at once)', 'wus: SIGTERM again: exiting now']);
    } finally {
      uninstall();
    }
  });
});
