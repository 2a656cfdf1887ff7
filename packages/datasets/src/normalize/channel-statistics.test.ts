import { describe, expect, it } from 'vitest';
import { channelStatistics } from './channel-statistics.js';

describe('channelStatistics', () => {
  // 3 samples of 2 pixels × 3 channels (HWC).
  const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 53) % 256);

  function naive(indices: number[], channel: number): { mean: number; std: number } {
    const v = indices.flatMap((i) => [0, 1].map((p) => pixels[i * 6 + p * 3 + channel]! / 255));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
  }

  it('matches a direct per-channel computation over the chosen samples only', () => {
    const stats = channelStatistics(pixels, [0, 2], 2, 3);
    for (let c = 0; c < 3; c++) {
      expect(stats.mean[c]).toBeCloseTo(naive([0, 2], c).mean, 12);
      expect(stats.std[c]).toBeCloseTo(naive([0, 2], c).std, 12);
    }
    expect(channelStatistics(pixels, [1], 2, 3).mean[0]).not.toBeCloseTo(stats.mean[0]!, 6);
  });

  it('gives a constant channel std 1 and no samples mean 0 / std 1', () => {
    const constant = Uint8Array.from([9, 1, 9, 2]); // 2 pixels × 2 channels, channel 0 constant
    expect(channelStatistics(constant, [0], 2, 2).std[0]).toBe(1);
    expect(channelStatistics(constant, [], 2, 2)).toEqual({ mean: [0, 0], std: [1, 1] });
  });
});
