import { backend_util, BatchMatMul, type KernelBackend, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { loadAddon } from './addon.js';
import { output } from './io.js';
import { runReplaced } from './replaced.js';

/**
 * BatchMatMul on oneDNN (native/matmul.cc), transposed operands by their strides (no copy), a
 * batch of one on either side broadcast. Other dtypes and other batch broadcasts go to the
 * kernel this one was registered over.
 */
export const batchMatMul: KernelFunc = (args) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const lead = (t: TensorInfo) => t.shape.slice(0, -2);
  const batchOf = (t: TensorInfo) => lead(t).reduce((x, y) => x * y, 1);
  const [ba, bb] = [batchOf(a), batchOf(b)];
  const last2 = (t: TensorInfo, transposed: boolean): [number, number] => {
    const [r, c] = [t.shape[t.shape.length - 2]!, t.shape[t.shape.length - 1]!];
    return transposed ? [c, r] : [r, c];
};
  const plain = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length >= 2 && (ba === bb || ba === 1 || bb === 1);
  const [m, k] = plain ? last2(a, transposeA) : [0, 0];
  const [kb, n] = plain ? last2(b, transposeB) : [0, 0];
  if (!plain || m * k * n === 0) return runReplaced(BatchMatMul, args, `of ${a.dtype} [${a.shape}] × ${b.dtype} [${b.shape}]`);
  if (k !== kb) throw new Error(`onednn kernels: BatchMatMul inner dimensions differ: ${k} vs ${kb} (a [${a.shape}], b [${b.shape}])`);
  const outShape = [...backend_util.assertAndGetBroadcastShape(lead(a), lead(b)), m, n];
  const words = Int32Array.from([ba, bb, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0]);
  return output(args.backend as KernelBackend, outShape, [a, b], (c, av, bv) => loadAddon().batchMatMul(words, av!, bv!, c));
};
