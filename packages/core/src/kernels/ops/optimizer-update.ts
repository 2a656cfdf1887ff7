import * as tf from '@tensorflow/tfjs-core';

/**
 * The fused optimizer-update ops: one optimizer step of one parameter as one kernel, which kernel
 * packages provide (kernels-wasm: kernels.c wus_sgd_update / wus_adam_update): weight decay, the optimizer's state and the weight update in one pass, where
 * tfjs composes 6 (SGD with momentum) to 11 (Adam) kernels, each a pass with its own output.
 * Same float32 operation order as the composition, so both give the same bits.
 *
 * SGD: inputs w, g and, with momentum, buf; outputs w' and, with momentum, buf'.
 */
export const SGD_UPDATE = 'WusSgdUpdate';

export interface SgdUpdateAttrs {
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  /** The parameter's first update: the buffer starts at the gradient (PyTorch). */
  readonly first: boolean;
}

/**
 * The new weight (and momentum buffer) through the fused kernel where the active backend has it
 * and the tensors are float32; undefined otherwise (the optimizer composes tfjs ops).
 */
export function fusedSgdUpdate(w: tf.Tensor, g: tf.Tensor, buf: tf.Tensor | undefined, attrs: SgdUpdateAttrs): { w: tf.Tensor; buf?: tf.Tensor } | undefined {
  if (w.dtype !== 'float32' || g.dtype !== 'float32' || tf.getKernel(SGD_UPDATE, tf.getBackend()) === undefined) return undefined;
  const inputs: tf.NamedTensorMap = buf === undefined ? { w, g } : { w, g, buf };
  const [wNext, bufNext] = tf.engine().runKernel(SGD_UPDATE, inputs, { ...attrs }) as tf.Tensor[];
  return bufNext === undefined ? { w: wNext! } : { w: wNext!, buf: bufNext };
}

/** Adam: inputs w, g, m, v; outputs w', m', v'. */
export const ADAM_UPDATE = 'WusAdamUpdate';

export interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly beta2: number;
  /** lr·√(1−β2ᵗ)/(1−β1ᵗ), t the parameter's own update count. */
  readonly stepSize: number;
  /** ε·√(1−β2ᵗ). */
  readonly epsilon: number;
  readonly weightDecay: number;
}

/** New weight, m and v through the fused kernel where the active backend has it; else undefined. */
export function fusedAdamUpdate(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): { w: tf.Tensor; m: tf.Tensor; v: tf.Tensor } | undefined {
  if (w.dtype !== 'float32' || g.dtype !== 'float32' || tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) return undefined;
  const [wNext, mNext, vNext] = tf.engine().runKernel(ADAM_UPDATE, { w, g, m, v }, { ...attrs }) as tf.Tensor[];
  return { w: wNext!, m: mNext!, v: vNext! };
}
