import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, type BatchNormAttrs } from '@wus/core';
import { runMemoryKernels } from './heap.js';

/** The fused BatchNorm op's kernels (core's `BATCH_NORM_TRAIN`): kernels.c wus_bn_forward / wus_bn_backward, in place on the wasm heap. */
const rowsAndChannels = (x: tf.TensorInfo): [number, number] => {
  const channels = x.shape[x.shape.length - 1]!;
  return [x.shape.reduce((a, b) => a * b, 1) / channels, channels];
};

export const batchNormTrainKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: BATCH_NORM_TRAIN,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
    const { epsilon } = attrs as unknown as BatchNormAttrs;
    const [rows, c] = rowsAndChannels(x);
    return runMemoryKernels(backend, 'wus_bn_forward', [[...x.shape], [c], [c]], [x, gamma, beta], ([y, mean, variance], [xs, g, b]) => [
      y!, mean!, variance!, xs!, g!, b!, rows, c, epsilon,
    ]);
  },
});

export const batchNormTrainGradKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: BATCH_NORM_TRAIN_GRAD,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, x, mean, variance, gamma } = inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'gamma', tf.TensorInfo>;
    const { epsilon } = attrs as unknown as BatchNormAttrs;
    const [rows, c] = rowsAndChannels(x);
    return runMemoryKernels(backend, 'wus_bn_backward', [[...x.shape], [c], [c]], [dy, x, mean, variance, gamma], ([dx, dg, db], ins) => [
      dx!, dg!, db!, ...ins, rows, c, epsilon,
    ]);
  },
});

