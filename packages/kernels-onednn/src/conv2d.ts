import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, type KernelBackend, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import type { ConvAttrs } from '@wus/core';
import { assertShape, convGeometry } from './conv-geometry.js';
import { output } from './io.js';

/** y = conv2d(x, W), NHWC, on oneDNN (native/conv.cc). */
export const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { info, words } = convGeometry(x.shape, filter.shape, attrs as unknown as ConvAttrs);
  assertShape('Conv2D filter', filter.shape, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  return output(backend as KernelBackend, info.outShape, [x, filter], (y, xv, wv) => loadAddon().conv2d(words, xv!, wv!, y));
};

/** dx = ∂L/∂x of a 2-D convolution, on oneDNN; takes a `dilations` attribute. */
export const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const { info, words } = convGeometry(a.inputShape, filter.shape, a);
  assertShape('Conv2DBackpropInput dy', dy.shape, info.outShape);
  return output(backend as KernelBackend, [...a.inputShape], [dy, filter], (dx, dyv, wv) => loadAddon().conv2dBackpropInput(words, dyv!, wv!, dx));
};

/** dW = ∂L/∂W of a 2-D convolution, on oneDNN; takes a `dilations` attribute. */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const { info, words } = convGeometry(x.shape, a.filterShape, a);
  assertShape('Conv2DBackpropFilter dy', dy.shape, info.outShape);
  return output(backend as KernelBackend, [...a.filterShape], [x, dy], (dw, xv, dyv) => loadAddon().conv2dBackpropFilter(words, xv!, dyv!, dw));
};
