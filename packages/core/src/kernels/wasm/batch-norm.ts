import * as tf from '@tensorflow/tfjs-core';
import { runMemoryKernels } from './heap.js';

/**
 * BatchNorm in training mode as one kernel forward and one backward (kernels.c wus_bn_forward /
 * wus_bn_backward). Composed from tfjs ops it is ~8 kernels forward and ~15 backward, each a
 * single-threaded pass over the activations with a fresh output: on 2 threads that was the
 * largest part of a VGG-11 step our threaded convolutions do not cover.
 *
 * `WusBatchNormTrain`: inputs x [..., C], gamma [C], beta [C]; attr epsilon; outputs y, the batch
 * mean [C] and the biased batch variance [C] (what the moving statistics are updated from).
 * Only y carries a gradient: the mean and variance outputs are for the moving statistics, whose
 * update is not taped.
 */
export const BATCH_NORM_TRAIN = 'WusBatchNormTrain';
/** inputs dy, x, mean, variance, gamma; attr epsilon; outputs dx, dgamma, dbeta. */
export const BATCH_NORM_TRAIN_GRAD = 'WusBatchNormTrainGrad';
/** Channels the kernels take (per-channel arrays on the kernel's stack: BN_MAX_C in kernels.c). */
export const BATCH_NORM_MAX_CHANNELS = 2048;

interface BatchNormAttrs {
  readonly epsilon: number;
}

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

/**
 * The gradient runs the backward kernel once for all three inputs (its two sums are needed for
 * dx anyway). Computed eagerly: tfjs calls each input's thunk in its own tidy scope, which would
 * dispose the other outputs; those not used are freed with the backward pass's scope.
 */
export const batchNormTrainGradConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const dy = (dys as tf.Tensor[])[0]!;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, mean, variance, gamma }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
  },
};

/**
 * Training-mode batch norm through the fused kernel where the active backend has it (wasm, cpu
 * with our kernels registered) and the input fits; undefined otherwise (the caller composes it).
 */
export function fusedBatchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | undefined {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  if (x.dtype !== 'float32' || channels < 1 || channels > BATCH_NORM_MAX_CHANNELS || x.size === 0) return undefined;
  if (tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) === undefined) return undefined;
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  return { y: y!, mean: mean!, variance: variance! };
}
