import { ConfigError, nn, parseOptions, type Model, type ModelPlugin } from '@wus/core';
import { baseModelOptions, scaled } from '../common/options.js';

/**
 * LeNet-5 (LeCun et al., 1998) in its common modern form: ReLU and max-pooling instead of
 * tanh and subsampling. For 28×28 inputs the first convolution pads ('same'), so the
 * feature maps match the original 32×32 design: 28→14→10→5.
 */
export function buildLenet5(options: unknown): Model {
  const o = parseOptions('model "lenet5"', baseModelOptions, options);
  if (o.inputShape.length !== 3) {
    throw new ConfigError(`model "lenet5" needs an image input [height, width, channels], got [${o.inputShape.join(', ')}]`);
  }
  const [h, w] = o.inputShape as [number, number, number];
  if (h < 28 || w < 28) {
    throw new ConfigError(`model "lenet5" needs inputs of at least 28×28, got ${h}×${w}; pad the images`);
  }
  const m = o.widthMultiplier;
  return nn.sequential({
    name: 'lenet5',
    inputShape: o.inputShape,
    numClasses: o.numClasses,
    seed: o.seed,
    layers: [
      nn.conv2d({ filters: scaled(6, m), kernelSize: 5, padding: h === 28 ? 'same' : 'valid' }),
      nn.relu(),
      nn.maxPool({ size: 2 }),
      nn.conv2d({ filters: scaled(16, m), kernelSize: 5, padding: 'valid' }),
      nn.relu(),
      nn.maxPool({ size: 2 }),
      nn.flatten(),
      nn.dense({ units: scaled(120, m) }),
      nn.relu(),
      nn.dense({ units: scaled(84, m) }),
      nn.relu(),
      nn.dense({ units: o.numClasses }),
    ],
  });
}

export const lenet5Plugin: ModelPlugin = {
  kind: 'model',
  name: 'lenet5',
  options: baseModelOptions,
  description: 'LeNet-5 (ReLU, max-pool), for 28×28 or 32×32 images',
  create: (options) => buildLenet5(options),
};
