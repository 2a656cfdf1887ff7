import * as tf from '@tensorflow/tfjs-core';
import { withMatMulRole } from './flop-counter.js';
import { traitsOf } from './kernel-package.js';

/**
 * Replaces tfjs's BatchMatMul gradient. The stock one calls matMul with transposeA/transposeB,
 * and the wasm backend's own BatchMatMul with a transposed operand is ~9× slower than an explicit
 * Transpose followed by a plain BatchMatMul (measured on tfjs 4.22, 784×256 at batch 128:
 * 28 ms vs 3 ms). Left as is, every weight gradient would run on a slow path and any
 * "weight skipping" speed-up would be inflated. Where a kernel package's BatchMatMul packs
 * transposed operands as cheaply as plain ones (`KernelTraits.transposesFree`) the flags are
 * passed through instead.
 * Gradients stay lazy per input, so a frozen weight's gradient is still never computed.
 */
function transposeLast2(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.transpose(t, perm);
}

function mm(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  const kernel = tf.getKernel('BatchMatMul', tf.getBackend());
  if (kernel !== undefined && traitsOf(kernel.kernelFunc)?.transposesFree === true) return tf.matMul(a, b, ta, tb);
  return tf.matMul(ta ? transposeLast2(a) : a, tb ? transposeLast2(b) : b);
}

export const batchMatMulGradConfig: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const g = dy as tf.Tensor;
    // The FLOP counter books the right operand's gradient as dW (our dense layer computes x·W).
    const grads = (da: () => tf.Tensor, db: () => tf.Tensor) => ({ a: () => withMatMulRole('dX', da), b: () => withMatMulRole('dW', db) });
    if (!transposeA && !transposeB) return grads(() => mm(g, b, false, true), () => mm(a, g, true, false));
    if (!transposeA && transposeB) return grads(() => mm(g, b, false, false), () => mm(g, a, true, false));
    if (transposeA && !transposeB) return grads(() => mm(b, g, false, true), () => mm(a, g, false, false));
    return grads(() => mm(b, g, true, true), () => mm(g, a, true, true));
  },
};
