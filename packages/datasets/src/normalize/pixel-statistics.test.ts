import { describe, expect, it } from 'vitest';
import { pixelStatistics, standardize } from './pixel-statistics.js';

describe('pixelStatistics', () => {
  const pixels = Uint8Array.from({ length: 4 * 3 }, (_, i) => (i * 37) % 256);

  function naive(indices: number[]): { mean: number; std: number } {
    const v = indices.flatMap((i) => Array.from(pixels.subarray(i * 3, i * 3 + 3), (p) => p / 255));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
  }

  it('matches a direct computation over the chosen samples only', () => {
    const stats = pixelStatistics(pixels, [0, 2], 3);
    const want = naive([0, 2]);
    expect(stats.mean).toBeCloseTo(want.mean, 12);
    expect(stats.std).toBeCloseTo(want.std, 12);
    expect(pixelStatistics(pixels, [1, 3], 3).mean).not.toBeCloseTo(stats.mean, 6);
  });

  it('keeps values finite for constant images', () => {
    expect(pixelStatistics(new Uint8Array(6).fill(9), [0, 1], 3).std).toBe(1);
  });
});

describe('standardize', () => {
  it('writes (p/255 − mean)/std for the chosen samples in order', () => {
    const pixels = Uint8Array.from([0, 255, 51, 102]);
    const out = standardize(pixels, [1, 0], 2, { mean: 0.5, std: 0.25 });
    expect(Array.from(out)).toEqual([
      Math.fround((0.2 - 0.5) / 0.25),
      Math.fround((0.4 - 0.5) / 0.25),
      Math.fround(-2),
      Math.fround(2),
    ]);
  });
});
