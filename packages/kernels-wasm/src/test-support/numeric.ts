import { expect } from 'vitest';

/**
 * Shared by the kernel tests. Tolerance: max |ours − reference| ≤ TOL · max(1, max |reference|)
 * (float32 sums of at most a few thousand terms; the errors seen are ~1e-7 relative).
 */
export const TOL = 1e-5;

/** A seeded uniform [-1, 1) generator (LCG): the same fixtures on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}
export const randomArray = (n: number, seed: number) => Float32Array.from({ length: n }, rng(seed));
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let maxRef = 0;
  let maxErr = 0;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]!));
    maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
  }
  expect(maxErr, `${what}: max error ${maxErr} (max |ref| ${maxRef})`).toBeLessThanOrEqual(TOL * Math.max(1, maxRef));
}
