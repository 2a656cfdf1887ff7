import * as tf from '@tensorflow/tfjs-core';

/*
 * What kernel packages' tests check their kernels against: seeded fixtures, a float64 reference
 * of the convolution and its two gradients from the definition, and the grid of cases (shapes,
 * strides, paddings, dilations, odd channel counts) every package's convolutions must pass.
 */

/** Tolerance: max |ours − reference| ≤ KERNEL_TOL · max(1, max |reference|) (float32 sums of at most a few thousand terms). */
export const KERNEL_TOL = 1e-5;

/** A seeded uniform [-1, 1) generator (LCG): the same fixtures on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}
export const randomArray = (n: number, seed: number) => Float32Array.from({ length: n }, rng(seed));
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Throws, saying by how much, unless `got` is within KERNEL_TOL of `want` (relative to its largest magnitude). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, expected ${want.length}`);
  let maxRef = 0;
  let maxErr = 0;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]!));
    maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
  }
  if (!(maxErr <= KERNEL_TOL * Math.max(1, maxRef))) throw new Error(`${what}: max error ${maxErr} (max |ref| ${maxRef}) exceeds ${KERNEL_TOL} relative`);
}

export type ConvPad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
export type Pair = number | [number, number];
export interface ConvCase {
  readonly x: [number, number, number, number];
  readonly k: [number, number];
  readonly co: number;
  readonly strides: Pair;
  readonly pad: ConvPad;
  readonly dilations: Pair;
}

export const isOne = (p: Pair) => (Array.isArray(p) ? p.every((v) => v === 1) : p === 1);

export function convInfo(c: ConvCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, [c.k[0], c.k[1], c.x[3], c.co], c.strides, c.dilations, c.pad, undefined, false, 'channelsLast');
}

/** y, dx and dW of a convolution from the definition, in float64. */
export function referenceConv(c: ConvCase, x: Float32Array, w: Float32Array, dy: Float32Array): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const i = convInfo(c);
  const [n, ih, iw, ci] = c.x;
  const co = c.co;
  const y = new Float64Array(n * i.outHeight * i.outWidth * co);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < i.outHeight; oy++)
      for (let ox = 0; ox < i.outWidth; ox++) {
        const yo = ((b * i.outHeight + oy) * i.outWidth + ox) * co;
        for (let ky = 0; ky < i.filterHeight; ky++) {
          const iy = oy * i.strideHeight - i.padInfo.top + ky * i.dilationHeight;
          if (iy < 0 || iy >= ih) continue;
          for (let kx = 0; kx < i.filterWidth; kx++) {
            const ix = ox * i.strideWidth - i.padInfo.left + kx * i.dilationWidth;
            if (ix < 0 || ix >= iw) continue;
            for (let c0 = 0; c0 < ci; c0++) {
              const xi = ((b * ih + iy) * iw + ix) * ci + c0;
              const wi = ((ky * i.filterWidth + kx) * ci + c0) * co;
              for (let o = 0; o < co; o++) {
                y[yo + o]! += x[xi]! * w[wi + o]!;
                dx[xi]! += dy[yo + o]! * w[wi + o]!;
                dw[wi + o]! += x[xi]! * dy[yo + o]!;
              }
            }
          }
        }
      }
  return { y, dx, dw };
}

/** The grid: shapes (odd sizes and channel counts, 1×1 to 5×5 filters, one big enough for two threads) × strides × paddings × dilations. */
export function convGrid(): ConvCase[] {
  const shapes: [ConvCase['x'], ConvCase['k'], number][] = [
    [[1, 5, 5, 1], [1, 1], 1],
    // single-channel images (the direct path of the WebAssembly kernels for horizontal stride 1)
    [[4, 12, 13, 1], [5, 5], 6],
    [[2, 9, 11, 1], [3, 2], 5],
    [[2, 7, 9, 3], [3, 3], 5],
    [[3, 8, 7, 4], [3, 2], 6],
    [[2, 10, 10, 6], [5, 5], 16],
    [[1, 6, 11, 9], [1, 3], 4],
    [[5, 9, 9, 13], [3, 3], 7],
    [[2, 12, 12, 16], [3, 3], 32],
  ];
  const strides: Pair[] = [1, 2, 3, [2, 1]];
  const pads: ConvPad[] = ['same', 'valid', 1, [[0, 0], [1, 2], [0, 1], [0, 0]]];
  const dilations: Pair[] = [1, 2, [1, 2]];
  const cases: ConvCase[] = [];
  for (const [x, k, co] of shapes)
    for (const s of strides)
      for (const pad of pads)
        for (const d of dilations) {
          if (!isOne(s) && !isOne(d) && cases.length % 3 !== 0) continue; // a sample of stride × dilation
          const c: ConvCase = { x, k, co, strides: s, pad, dilations: d };
          const info = convInfo(c);
          if (info.outHeight >= 1 && info.outWidth >= 1) cases.push(c);
        }
  // Large enough that each kernel splits its work over two threads (≥ 1 M multiply-adds per thread).
  cases.push({ x: [8, 16, 16, 32], k: [3, 3], co: 64, strides: 1, pad: 'same', dilations: 1 });
  cases.push({ x: [6, 17, 15, 24], k: [3, 3], co: 40, strides: 2, pad: 'valid', dilations: 1 });
  return cases;
}

export const convLabel = (c: ConvCase) => `x ${c.x.join('×')} k ${c.k.join('×')}→${c.co} s ${JSON.stringify(c.strides)} p ${JSON.stringify(c.pad)} d ${JSON.stringify(c.dilations)}`;

/** Case `n` of the grid as the three kernels take it: seeded inputs, the float64 reference, each kernel's attributes. */
export function convFixture(c: ConvCase, n: number) {
  const info = convInfo(c);
  const wShape = [c.k[0], c.k[1], c.x[3], c.co];
  const x = randomArray(size(c.x), 3 * n + 1);
  const w = randomArray(size(wShape), 3 * n + 2);
  const dy = randomArray(size(info.outShape), 3 * n + 3);
  const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
  // tfjs's backprop ops pass no dilations; core's gradient passes them where they are not 1.
  const dilated = isOne(c.dilations) ? {} : { dilations: c.dilations };
  return {
    info, wShape, x, w, dy,
    ref: referenceConv(c, x, w, dy),
    attrs: {
      forward: { ...common, dilations: c.dilations },
      input: { ...common, ...dilated, inputShape: c.x },
      filter: { ...common, ...dilated, filterShape: wShape },
    },
  };
}
