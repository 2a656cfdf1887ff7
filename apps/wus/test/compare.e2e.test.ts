import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectStudy, wus } from './capture.js';

const FMNIST = '/usr/share/datasets/fashion-mnist';
const haveRealData = existsSync(FMNIST);

describe.skipIf(!haveRealData)('wus compare on the real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('trains baseline and WUS on the same data order, prints the table and records a study', async () => {
    // A threshold of 1 (100 pp) makes every eligible epoch a window: F F S F over 4 epochs.
    const r = await wus(['compare', '--data-dir', FMNIST, '--limit', '2560', '--epochs', '4', '-P', 'never,wus', '-o', 'wus.threshold=1', '--backend', 'wasm']);
    expect(r.stderr).toMatch(/backend: wasm \(requested with --backend\)/);
    expect(r.stdout.split('\n')[0]).toMatch(/^trial\s+train time\s+time saved\s+wall time\s+test acc\s+Δ acc\s+skipped$/);
    const { store, trials } = await expectStudy(r, '25.0');
    for (const t of trials) {
      const d = await store.getRun(t.runId);
      expect(d.tags['backend']).toBe('wasm');
      expect(d.tags['dataset.source']).toContain(FMNIST);
      expect(d.metrics['val_accuracy']).toHaveLength(4);
      expect(d.latestMetrics['test_accuracy']).toBeGreaterThan(0.6);
      expect(d.latestMetrics['skipped_fraction']).toBe(t.name === 'wus' ? 0.25 : 0);
      expect(d.artifacts.map((a) => a.name).sort()).toEqual(['config.json', 'plots/learning-curve.svg', 'weights/manifest.json', 'weights/weights.bin']);
    }
    // Same seed, same data order: the first two (full) epochs are identical in both trials.
    const [a, b] = await Promise.all(trials.map((t) => store.getRun(t.runId)));
    const values = (d: typeof a) => d!.metrics['loss']!.map((p) => p.value);
    expect(values(a).slice(0, 2)).toEqual(values(b).slice(0, 2));
    expect(values(a)[2]).not.toEqual(values(b)[2]);
  });
});
