import * as nn from '../nn/index.js';

/**
 * The small conv net the trainer's plan tests share: conv (depth 0) → BN (1) → ReLU → pool →
 * conv (2) → ReLU → flatten → dense (3) → ReLU → dense (4), on [8, 8, 2] inputs, 3 classes.
 */
export function tinyConvNet(seed: number) {
  return nn.sequential({
    name: 'tiny-convnet',
    inputShape: [8, 8, 2],
    numClasses: 3,
    seed,
    layers: [
      nn.conv2d({ filters: 4, kernelSize: 3 }),
      nn.batchNorm(),
      nn.relu(),
      nn.maxPool({ size: 2 }),
      nn.conv2d({ filters: 4, kernelSize: 3 }),
      nn.relu(),
      nn.flatten(),
      nn.dense({ units: 8 }),
      nn.relu(),
      nn.dense({ units: 3 }),
    ],
  });
}
