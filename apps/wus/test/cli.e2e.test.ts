import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

describe('wus train, runs, plugins', () => {
  it('trains with a third-party plugin loaded like a built-in, then lists and shows the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-'));
    const file = join(dir, 'odd-steps.mjs');
    // A plugin needs no import of ours: it is a plain object honouring the plugin contract.
    writeFileSync(
      file,
      `export default { kind: 'skip-policy', name: 'odd-steps', description: 'skips weights on odd steps',
        create: () => ({ description: 'odd-steps', plan: (ctx) => ({ groups: ctx.step % 2 ? ['bias', 'norm-shift'] : ['weight', 'bias', 'norm-scale', 'norm-shift'] }) }) };\n`,
    );
    const listed = await wus(['plugins', '--plugin', file]);
    expect(listed.stdout).toMatch(/odd-steps\s+skips weights on odd steps/);

    const r = await wus(['train', '--plugin', file, '--policy', 'odd-steps', '--limit', '1024', '--epochs', '1', '--batch-size', '64', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const row = JSON.parse(r.stdout) as { skippedPct: number; runId: string; epochs: unknown[] };
    expect(row.skippedPct).toBe(50);
    expect(row.epochs).toHaveLength(1);

    const runs = await wus(['runs'], r.storeRoot);
    expect(runs.stdout).toContain(row.runId);
    const show = await wus(['runs', 'show', row.runId.slice(0, 8)], r.storeRoot);
    expect(show.stdout).toMatch(/policy\.name = odd-steps/);
    expect(show.stdout).toMatch(/skipped_fraction = 0\.5/);
    expect((await wus(['runs', 'show', 'ffffffff'], r.storeRoot)).code).toBe(5);
  });

  it('--help works for every command', async () => {
    for (const cmd of ['train', 'compare', 'runs', 'plugins']) {
      const r = await wus([cmd, '--help']);
      expect(r.code).toBe(0);
    }
  });
});
