import type { backend_util } from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from '@wus/core';

export type { ConvAttrs } from '@wus/core';

/** Word indices of the kernels' parameter block (tools/wasm-kernels/src/kernels.c, enum P_*). */
export const P = {
  N: 0, IH: 1, IW: 2, CI: 3, OH: 4, OW: 5, CO: 6, KH: 7, KW: 8, SH: 9, SW: 10, DH: 11, DW: 12, PT: 13, PL: 14,
  X: 15, W: 16, DY: 17, OUT: 18, SCRATCH: 19, SCRATCH_STRIDE: 20, PARTIAL: 21, COUNTER: 22,
} as const;
export const P_WORDS = 23;

/** Below this many multiply-adds a second thread costs more (wake-up, ~20–50 µs) than it saves. */
export const MIN_MACS_PER_THREAD = 1_000_000;

/** Geometry words of a convolution (or pooling window) from tfjs's Conv2DInfo, NHWC only. */
export function geometryWords(info: backend_util.Conv2DInfo): number[] {
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`wus kernels support dataFormat 'NHWC' (channelsLast) only, got ${info.dataFormat}`);
  }
  const w = new Array<number>(P_WORDS).fill(0);
  w[P.N] = info.batchSize;
  w[P.IH] = info.inHeight;
  w[P.IW] = info.inWidth;
  w[P.CI] = info.inChannels;
  w[P.OH] = info.outHeight;
  w[P.OW] = info.outWidth;
  w[P.CO] = info.outChannels;
  w[P.KH] = info.filterHeight;
  w[P.KW] = info.filterWidth;
  w[P.SH] = info.strideHeight;
  w[P.SW] = info.strideWidth;
  w[P.DH] = info.dilationHeight;
  w[P.DW] = info.dilationWidth;
  w[P.PT] = info.padInfo.top;
  w[P.PL] = info.padInfo.left;
  return w;
}

/** Threads worth using for `macs` multiply-adds split into at most `units` independent parts. */
export function threadsFor(available: number, macs: number, units = Number.POSITIVE_INFINITY): number {
  return Math.max(1, Math.min(available, units, Math.floor(macs / MIN_MACS_PER_THREAD)));
}

/**
 * What every convolution kernel starts from: tfjs's Conv2DInfo for input shape `xShape` and
 * filter shape `filterShape` under `attrs`, the parameter words, and the GEMM sizes
 * K = KH·KW·CI and M = N·OH·OW.
 */
export function convGeometry(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): { info: backend_util.Conv2DInfo; words: number[]; K: number; M: number } {
  const info = convInfoOf(xShape, filterShape, attrs);
  return {
    info,
    words: geometryWords(info),
    K: info.filterHeight * info.filterWidth * info.inChannels,
    M: info.batchSize * info.outHeight * info.outWidth,
  };
}
