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

  it('train and compare report progress with ETA and end with where the results are', async () => {
    const quick = ['--limit', '256', '--epochs', '2', '--batch-size', '64'];
    const t = await wus(['train', ...quick]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/^never epoch {2}1\/2 .* \[1\/2 epochs, \d+ s elapsed, ETA \d+ s\]$/m);
    expect(t.stderr).toMatch(/^never epoch {2}2\/2 .* \[2\/2 epochs, \d+ s elapsed, done\]$/m);
    const last = t.stderr.trimEnd().split('\n').at(-1)!;
    const run = new RegExp(`^results: run ([0-9a-f-]{36}) in ${t.storeRoot}, experiment "wus-fashion-mnist": \`wus runs show ([0-9a-f]{8})\`, its model: \`wus evaluate [0-9a-f]{8}\`$`).exec(last);
    expect(run, last).not.toBeNull();
    expect(t.stderr.split('\n').at(-3)).toMatch(/^never test accuracy \d+\.\d\d %$/);
    // The line is right: the command it gives shows that run.
    expect((await wus(['runs', 'show', run![2]!], t.storeRoot)).stdout).toContain(`run ${run![1]} (mlp · never · seed 42) FINISHED`);

    const c = await wus(['compare', '-P', 'never,wus', ...quick]);
    expect(c.code, c.stderr).toBe(0);
    // One clock over both trials' epochs, interleaved.
    expect(c.stderr.match(/\[\d\/4 epochs/g)).toEqual(['[1/4 epochs', '[2/4 epochs', '[3/4 epochs', '[4/4 epochs']);
    const study = new RegExp(`^results: study ([0-9a-f-]{36}) \\(2 trials\\) in ${c.storeRoot}, experiment "wus-fashion-mnist": \`wus runs show ([0-9a-f]{8})\`, a trial's model: \`wus evaluate <trial id>\`$`).exec(c.stderr.trimEnd().split('\n').at(-1)!);
    expect(study, c.stderr).not.toBeNull();
    expect((await wus(['runs', 'show', study![2]!], c.storeRoot)).stdout).toContain(`run ${study![1]} (compare mlp/fashion-mnist · never,wus · seed 42) FINISHED`);
  });

  it('--help works for every command', async () => {
    for (const cmd of ['train', 'compare', 'runs', 'plugins', 'evaluate', 'config', 'sync']) {
      const r = await wus([cmd, '--help']);
      expect(r.code).toBe(0);
    }
  });
});
