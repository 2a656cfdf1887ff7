import { LocalRunStore } from '@wus/tracking';
import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

describe('callbacks attach from the CLI', () => {
  it('--callback early-stopping with -o options stops the run cleanly and records stopped_early', async () => {
    // minDelta 10 (loss): no epoch after the first improves, patience 1 → stop after epoch 3.
    const r = await wus(['train', '--limit', '512', '--epochs', '6', '--callback', 'early-stopping', '-o', 'early-stopping.monitor=loss', '-o', 'early-stopping.minDelta=10', '-o', 'early-stopping.patience=1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/epoch {2}3\/6/);
    expect(r.stderr).not.toMatch(/epoch {2}4\/6/);
    const store = new LocalRunStore(r.storeRoot);
    const [run] = await store.listRuns({});
    const d = await store.getRun(run!.runId);
    expect(d.info.status).toBe('FINISHED');
    expect(d.latestMetrics['stopped_early']).toBe(1);
    expect(d.latestMetrics['test_accuracy']).toBeGreaterThan(0);
  });

  it('a bad callback option or an unknown callback fails before training (exit 2)', async () => {
    const bad = await wus(['train', '--limit', '512', '--epochs', '2', '--callback', 'early-stopping', '-o', 'early-stopping.patience=-2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^wus: error: plugin "early-stopping": invalid options for callback "early-stopping": patience/m);
    const unknown = await wus(['train', '--limit', '512', '--epochs', '2', '--callback', 'early-stop']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown callback "early-stop"; registered: early-stopping/);
    expect(unknown.stderr).not.toMatch(/epoch +1\/2/);
  });
});
