import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

/**
 * Every example plugin in examples/ runs with the command written in its header (as the docs
 * tell a user), on a small slice of the data, and does what it says.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const quick = ['--limit', '1024', '--epochs', '3', '--batch-size', '64'];

/** The `wus …` command in an example's header comment, as arguments. */
function headerCommand(example: string): string[] {
  const line = readFileSync(join(root, 'examples', example), 'utf8').split('\n').find((l) => /^\/\/ +wus /.test(l));
  expect(line, `${example} names its command`).toBeDefined();
  return line!.replace(/^\/\/ +wus /, '').trim().split(/\s+/).map((a) => (a.startsWith('examples/') ? join(root, a) : a));
}

describe('examples/ run as documented', () => {
  it('skip-every-third.mjs: weights update on one step in three', async () => {
    const r = await wus([...headerCommand('skip-every-third.mjs'), ...quick, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: { trial: string; skippedPct: number }[] };
    expect(rows.map((x) => x.trial)).toEqual(['never', 'every-third']);
    expect(rows[1]!.skippedPct).toBeCloseTo(200 / 3, 0);
  });

  it('freeze-front-after.mjs: the convolutions are frozen from epoch 3 on, and compute drops', async () => {
    const r = await wus([...headerCommand('freeze-front-after.mjs'), ...quick, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^freeze-front-after epoch {2}3\/3 .*frozen depth<2, update all/m);
    const { rows } = JSON.parse(r.stdout) as { rows: { computeSavedPct: number }[] };
    expect(rows[1]!.computeSavedPct).toBeGreaterThan(10);
  });

  it('lr-halve-every.mjs: the LR halves every epoch', async () => {
    const r = await wus([...headerCommand('lr-halve-every.mjs'), ...quick, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { epochs } = JSON.parse(r.stdout) as { epochs: { lr: number }[] };
    expect(epochs.map((e) => e.lr)).toEqual([0.05, 0.025, 0.0125]);
  });

  it('stop-at-accuracy.mjs: training stops once the target is reached', async () => {
    const r = await wus([...headerCommand('stop-at-accuracy.mjs'), ...quick, '--epochs', '6', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { epochs } = JSON.parse(r.stdout) as { epochs: { metrics: Record<string, number> }[] };
    expect(epochs.length).toBeLessThan(6);
    expect(epochs[epochs.length - 1]!.metrics['val_accuracy']).toBeGreaterThanOrEqual(0.7);
  });
});
