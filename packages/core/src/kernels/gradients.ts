import * as tf from '@tensorflow/tfjs-core';
import { conv2dGradConfig } from './conv2d-gradient.js';
import { batchMatMulGradConfig } from './matmul-gradient.js';
import { batchNormTrainGradConfig } from './ops/batch-norm-train.js';
import { reluGradConfig } from './ops/relu-grad.js';

let installed = false;

/**
 * Installs core's gradients once (called by backend selection before any training): the
 * overrides of BatchMatMul, Conv2D (dilation) and Relu (one kernel where a package provides it),
 * and the gradient of the fused BatchNorm op.
 */
export function installGradientOverrides(): void {
  if (installed) return;
  for (const g of [batchMatMulGradConfig, conv2dGradConfig, reluGradConfig, batchNormTrainGradConfig]) tf.registerGradient(g);
  installed = true;
}
