import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors/errors.js';
import { deriveSeed } from '../random/random.js';
import { createParameter, glorotUniform } from './init.js';
import type { LayerSpec } from './layer.js';

export interface Conv2dOptions {
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides?: number;
  /**
   * 'same' and 'valid' as in TensorFlow, or a number: that many zero rows/columns on every side
   * (PyTorch's `padding=n`). For a stride-2 3×3 convolution of an even-sized input the windows
   * then start one pixel earlier than with 'same', which pads only bottom and right.
   */
  readonly padding?: 'same' | 'valid' | number;
  readonly dilation?: number;
  readonly useBias?: boolean;
}

function outSize(size: number, k: number, stride: number, dilation: number, padding: 'same' | 'valid' | number): number {
  const effective = (k - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(size / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - effective) / stride) + 1;
}

/**
 * 2-D convolution (NHWC) plus bias as separate, unfused ops, so the filter gradient
 * (Conv2DBackpropFilter) runs only when the kernel variable is in the step's variable list.
 */
export function conv2d(options: Conv2dOptions): LayerSpec {
  const strides = options.strides ?? 1;
  const padding = options.padding ?? 'same';
  const dilation = options.dilation ?? 1;
  return {
    type: 'conv2d',
    parameterised: true,
    build(ctx) {
      if (ctx.inputShape.length !== 3) {
        throw new ConfigError(`${ctx.name}: conv2d expects [height, width, channels], got [${ctx.inputShape.join(', ')}]`);
      }
      const [h, w, c] = ctx.inputShape as [number, number, number];
      const k = options.kernelSize;
      if (typeof padding === 'number' && !(Number.isInteger(padding) && padding >= 0)) {
        throw new ConfigError(`${ctx.name}: padding must be 'same', 'valid' or a non-negative integer, got ${padding}`);
      }
      const oh = outSize(h, k, strides, dilation, padding);
      const ow = outSize(w, k, strides, dilation, padding);
      if (oh < 1 || ow < 1) {
        throw new ConfigError(
          `${ctx.name}: a ${k}×${k} convolution (stride ${strides}, padding ${padding}) does not fit a ${h}×${w} input; use a larger input (pad it) or padding 'same'`,
        );
      }
      const fanIn = k * k * c;
      const fanOut = k * k * options.filters;
      const kernel = createParameter(ctx, 'kernel', 'weight', glorotUniform([k, k, c, options.filters], fanIn, fanOut, deriveSeed(ctx.seed, 'kernel')));
      const bias = options.useBias === false ? undefined : createParameter(ctx, 'bias', 'bias', tf.zeros([options.filters]));
      return {
        name: ctx.name,
        parameters: bias === undefined ? [kernel] : [kernel, bias],
        state: [],
        outputShape: [oh, ow, options.filters],
        flops: 2 * oh * ow * options.filters * fanIn,
        kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Add', 'Sum'],
        config: {
          op: 'conv2d',
          filters: options.filters,
          kernelSize: k,
          strides,
          padding,
          dilation,
          kernel: kernel.variable,
          ...(bias === undefined ? {} : { bias: bias.variable }),
        },
        apply: (x) => {
          // tfjs-node's Conv2D kernels accept only 'same'/'valid' ("TF Backend supports only
          // 'valid' and 'same' padding"): there, pad explicitly and convolve 'valid'.
          const padFirst = typeof padding === 'number' && padding > 0 && tf.getBackend() === 'tensorflow';
          const input = padFirst ? tf.pad(x as tf.Tensor4D, [[0, 0], [padding, padding], [padding, padding], [0, 0]]) : (x as tf.Tensor4D);
          const y = tf.conv2d(input, kernel.variable as tf.Tensor4D, strides, padFirst ? 'valid' : padding, 'NHWC', dilation);
          return bias === undefined ? y : tf.add(y, bias.variable);
        },
      };
    },
  };
}
