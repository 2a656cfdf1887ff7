import * as tf from '@tensorflow/tfjs-core';
import { runMemoryKernels } from './heap.js';

/**
 * One optimizer step of one parameter as one kernel (kernels.c wus_sgd_update /
 * wus_adam_update): weight decay, the optimizer's state and the weight update in one pass, where
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

export const sgdUpdateKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: SGD_UPDATE,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, g, buf } = inputs as { w: tf.TensorInfo; g: tf.TensorInfo; buf?: tf.TensorInfo };
    const a = attrs as unknown as SgdUpdateAttrs;
    const n = w.shape.reduce((x, y) => x * y, 1);
    const withBuffer = buf !== undefined;
    const flags = (withBuffer ? 1 : 0) | (a.first ? 2 : 0) | (a.nesterov ? 4 : 0);
    const shapes = withBuffer ? [[...w.shape], [...w.shape]] : [[...w.shape]];
    const ins = withBuffer ? [w, g, buf] : [w, g];
    return runMemoryKernels(backend, 'wus_sgd_update', shapes, ins, ([wOut, bufOut], [wi, gi, bi]) => [
      wOut!, bufOut ?? 0, wi!, gi!, bi ?? 0, n, a.lr, a.momentum, a.weightDecay, flags,
    ]);
  },
});

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

export const adamUpdateKernel = (backendName: string): tf.KernelConfig => ({
  kernelName: ADAM_UPDATE,
  backendName,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', tf.TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const n = w.shape.reduce((x, y) => x * y, 1);
    const shape = [...w.shape];
    return runMemoryKernels(backend, 'wus_adam_update', [shape, shape, shape], [w, g, m, v], (outs, ins) => [
      ...outs, ...ins, n, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.stepSize, a.epsilon, a.weightDecay,
    ]);
  },
});

/** New weight, m and v through the fused kernel where the active backend has it; else undefined. */
export function fusedAdamUpdate(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: AdamUpdateAttrs): { w: tf.Tensor; m: tf.Tensor; v: tf.Tensor } | undefined {
  if (w.dtype !== 'float32' || g.dtype !== 'float32' || tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) return undefined;
  const [wNext, mNext, vNext] = tf.engine().runKernel(ADAM_UPDATE, { w, g, m, v }, { ...attrs }) as tf.Tensor[];
  return { w: wNext!, m: mNext!, v: vNext! };
}
