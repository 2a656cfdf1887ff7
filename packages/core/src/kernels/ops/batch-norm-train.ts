import * as tf from '@tensorflow/tfjs-core';

/**
 * The fused training-mode BatchNorm op, one kernel forward and one backward, which kernel
 * packages provide (kernels-wasm: kernels.c wus_bn_forward / wus_bn_backward). Composed from
 * tfjs ops it is ~8 kernels forward and ~15 backward, each a single-threaded pass over the
 * activations with a fresh output. Core defines the op and its gradient; where no package
 * registered a kernel for it, `fusedBatchNormTrain` says so and the layer composes tfjs ops.
 *
 * `WusBatchNormTrain`: inputs x [..., C], gamma [C], beta [C]; attr epsilon; outputs y, the batch
 * mean [C] and the biased batch variance [C] (what the moving statistics are updated from).
 * Only y carries a gradient: the mean and variance outputs are for the moving statistics, whose
 * update is not taped.
 */
export const BATCH_NORM_TRAIN = 'WusBatchNormTrain';
/** inputs dy, x, mean, variance, gamma; attr epsilon; outputs dx, dgamma, dbeta. */
export const BATCH_NORM_TRAIN_GRAD = 'WusBatchNormTrainGrad';
/** Channels the op takes (kernels keep per-channel arrays on their stack: BN_MAX_C in kernels.c). */
export const BATCH_NORM_MAX_CHANNELS = 2048;

export interface BatchNormAttrs {
  readonly epsilon: number;
  /** Set on the forward call only, read by its gradient: which gradients the step needs. */
  readonly needDx?: boolean;
  readonly needDGamma?: boolean;
}

/**
 * Where the step needs dx, the gradient runs the backward kernel once for all three inputs:
 * dγ = Σ dy·x̂ and dβ = Σ dy are terms of dx itself, so they cost nothing extra. Computed
 * eagerly: tfjs calls each input's thunk in its own tidy scope, which would dispose the other
 * outputs; those not used are freed with the backward pass's scope.
 *
 * Where no dx is needed (nothing below is updated: truncated backprop) only dβ is reduced, and
 * dγ only when γ is not frozen — one or two passes over dy instead of the kernel's two passes
 * over dy and x plus the write of dx. Should tfjs ask for a gradient the flags said it would
 * not, the thunk computes it all the same: the flags save work, never correctness.
 */
export const batchNormTrainGradConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, mean, variance] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const dy = (dys as tf.Tensor[])[0]!;
    const { epsilon, needDx, needDGamma } = attrs as unknown as BatchNormAttrs;
    const full = () => tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy, x, mean, variance, gamma }, { epsilon }) as tf.Tensor[];
    if (needDx !== false) {
      const [dx, dgamma, dbeta] = full();
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    }
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const dgamma = () => tf.sum(tf.mul(dy, tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)))), axes);
    return { x: () => full()[0]!, gamma: needDGamma === false ? () => full()[1]! : dgamma, beta: () => tf.sum(dy, axes) };
  },
};

/**
 * Training-mode batch norm through the fused kernel where the active backend has a kernel for it
 * (a kernel package registered one) and the input fits; undefined otherwise (the caller composes it).
 */
export function fusedBatchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  needs: { readonly dx: boolean; readonly dgamma: boolean } = { dx: true, dgamma: true },
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } | undefined {
  const channels = x.shape[x.shape.length - 1] ?? 0;
  if (x.dtype !== 'float32' || channels < 1 || channels > BATCH_NORM_MAX_CHANNELS || x.size === 0) return undefined;
  if (tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) === undefined) return undefined;
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon, needDx: needs.dx, needDGamma: needs.dgamma }) as tf.Tensor[];
  return { y: y!, mean: mean!, variance: variance! };
}
