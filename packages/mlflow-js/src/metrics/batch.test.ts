import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_LIMITS, splitBatch } from './batch.js';

const range = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

describe('splitBatch', () => {
  it("respects MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 entries per request", () => {
    const chunks = splitBatch({
      metrics: range(2500, (i) => ({ key: 'm', value: i, step: i, timestamp: 0 })),
      params: range(250, (i) => ({ key: `p${i}`, value: 'v' })),
      tags: range(150, (i) => ({ key: `t${i}`, value: 'v' })),
    });
    for (const c of chunks) {
      expect(c.metrics.length).toBeLessThanOrEqual(1000);
      expect(c.params.length).toBeLessThanOrEqual(100);
      expect(c.tags.length).toBeLessThanOrEqual(100);
      expect(c.metrics.length + c.params.length + c.tags.length).toBeLessThanOrEqual(1000);
    }
    expect(chunks.map((c) => [c.params.length, c.tags.length, c.metrics.length])).toEqual([
      [100, 100, 800],
      [100, 50, 850],
      [50, 0, 850],
    ]);
    // nothing lost, order kept
    expect(chunks.flatMap((c) => c.metrics).map((m) => (m as { step: number }).step)).toEqual(range(2500, (i) => i));
    expect(chunks.flatMap((c) => c.params).map((p) => (p as { key: string }).key)).toEqual(range(250, (i) => `p${i}`));
  });

  it('keeps each request under the byte budget', () => {
    const big = 'x'.repeat(6000);
    const chunks = splitBatch({ params: range(100, (i) => ({ key: `p${i}`, value: big })) }, { ...DEFAULT_BATCH_LIMITS, bytes: 100_000 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(JSON.stringify(c.params).length).toBeLessThanOrEqual(100_000);
    expect(chunks.reduce((n, c) => n + c.params.length, 0)).toBe(100);
  });

  it('sends nothing for an empty batch', () => {
    expect(splitBatch({})).toEqual([]);
  });
});
