import { describe, expect, it } from 'vitest';
import { holdOut } from './hold-out.js';

/** 1000 samples, classes unbalanced (class c has 10 + 20c samples) and interleaved. */
const labels = (() => {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) for (let k = 0; k < 10 + 20 * c; k++) out.push(c);
  // Deterministic interleave so classes are not in blocks.
  return out.map((c, i) => ({ c, key: (i * 7919) % out.length })).sort((a, b) => a.key - b.key).map((x) => x.c);
})();

function histogram(indices: Uint32Array): number[] {
  const h = new Array<number>(10).fill(0);
  for (const i of indices) h[labels[i]!]!++;
  return h;
}

describe('holdOut', () => {
  it('holds out round(n × fraction) samples, disjoint from train and together covering all', () => {
    const { train, validation } = holdOut(labels, 10, { fraction: 0.1, seed: 1 });
    expect(validation.length).toBe(Math.round(labels.length * 0.1));
    expect(train.length + validation.length).toBe(labels.length);
    const all = new Set([...train, ...validation]);
    expect(all.size).toBe(labels.length);
  });

  it('returns ascending indices so the stored order survives', () => {
    const { train, validation } = holdOut(labels, 10, { fraction: 0.2, seed: 3 });
    for (const a of [train, validation]) for (let i = 1; i < a.length; i++) expect(a[i]!).toBeGreaterThan(a[i - 1]!);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = holdOut(labels, 10, { fraction: 0.1, seed: 42 });
    const b = holdOut(labels, 10, { fraction: 0.1, seed: 42 });
    const c = holdOut(labels, 10, { fraction: 0.1, seed: 43 });
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(Array.from(a.validation)).not.toEqual(Array.from(c.validation));
  });

  it('stratifies: every class keeps its share (largest-remainder rounding)', () => {
    const { validation } = holdOut(labels, 10, { fraction: 0.1, seed: 7 });
    const counts = histogram(Uint32Array.from(labels.keys()));
    const held = histogram(validation);
    for (let c = 0; c < 10; c++) expect(Math.abs(held[c]! - counts[c]! * 0.1)).toBeLessThan(1);
  });

  it('draws uniformly when not stratified', () => {
    const { validation } = holdOut(labels, 10, { fraction: 0.25, seed: 7, stratified: false });
    expect(validation.length).toBe(250);
  });

  it('holds out nothing for fraction 0 and rejects fractions outside [0, 1)', () => {
    const { train, validation } = holdOut(labels, 10, { fraction: 0, seed: 1 });
    expect(validation.length).toBe(0);
    expect(train.length).toBe(labels.length);
    expect(() => holdOut(labels, 10, { fraction: 1, seed: 1 })).toThrow(RangeError);
    expect(() => holdOut(labels, 10, { fraction: Number.NaN, seed: 1 })).toThrow(RangeError);
  });
});
