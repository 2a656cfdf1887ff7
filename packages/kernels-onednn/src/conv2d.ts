import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput, type KernelBackend, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import { assertShape, convGeometry, type ConvAttrs } from './conv-geometry.js';
import { output, valuesOf } from './io.js';

/** y = conv2d(x, W), NHWC, on oneDNN (native/conv.cc). */
export const conv2d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { info, words } = convGeometry(x.shape, filter.shape, attrs as unknown as ConvAttrs);
  assertShape('Conv2D filter', filter.shape, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
  const b = backend as KernelBackend;
  return output(b, info.outShape, (y) => loadAddon().conv2d(words, valuesOf(b, x), valuesOf(b, filter), y));
};

/** dx = ∂L/∂x of a 2-D convolution, on oneDNN; takes a `dilations` attribute. */
export const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const { info, words } = convGeometry(a.inputShape, filter.shape, a);
  assertShape('Conv2DBackpropInput dy', dy.shape, info.outShape);
  const b = backend as KernelBackend;
  return output(b, [...a.inputShape], (dx) => loadAddon().conv2dBackpropInput(words, valuesOf(b, dy), valuesOf(b, filter), dx));
};

/** dW = ∂L/∂W of a 2-D convolution, on oneDNN; takes a `dilations` attribute. */
export const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const { info, words } = convGeometry(x.shape, a.filterShape, a);
  assertShape('Conv2DBackpropFilter dy', dy.shape, info.outShape);
  const b = backend as KernelBackend;
  return output(b, [...a.filterShape], (dw) => loadAddon().conv2dBackpropFilter(words, valuesOf(b, x), valuesOf(b, dy), dw));
};
