import type { backend_util } from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from '@wus/core';

/**
 * tfjs's Conv2DInfo for input `xShape` and filter `filterShape`, and its geometry words in the
 * order native/conv.cc reads them: N, IH, IW, CI, OH, OW, CO, KH, KW, SH, SW, DH, DW, pad top, pad left.
 */
export function convGeometry(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): { info: backend_util.Conv2DInfo; words: Int32Array } {
  const info = convInfoOf(xShape, filterShape, attrs);
  if (info.dataFormat !== 'channelsLast') throw new Error(`onednn kernels support dataFormat 'NHWC' only, got ${attrs.dataFormat}`);
  const i = info;
  const words = Int32Array.from([
    i.batchSize, i.inHeight, i.inWidth, i.inChannels, i.outHeight, i.outWidth, i.outChannels,
    i.filterHeight, i.filterWidth, i.strideHeight, i.strideWidth, i.dilationHeight, i.dilationWidth, i.padInfo.top, i.padInfo.left,
  ]);
  return { info, words };
}

export function assertShape(what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
    throw new Error(`onednn kernels: ${what} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
  }
}
