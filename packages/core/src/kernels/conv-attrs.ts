import { backend_util } from '@tensorflow/tfjs-core';

/** Attributes tfjs passes to every Conv2D-family kernel, as kernel packages read them. */
export interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /** Not set by tfjs's backprop ops (its Conv2D gradient refuses dilation); set by core's (conv2d-gradient.ts). */
  dilations?: [number, number] | number;
}

type Shape4 = [number, number, number, number];

/** tfjs's Conv2DInfo for input shape `xShape` and filter shape `filterShape` under `attrs`. */
export function convInfoOf(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as Shape4, filterShape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
}
