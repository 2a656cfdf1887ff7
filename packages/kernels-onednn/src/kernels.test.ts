import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, traitsOf } from '@wus/core';
import { convFixture, convGrid, convLabel, expectClose, randomArray, size } from '@wus/core/testing';
import { loadAddon } from './addon.js';
import { onednnKernels } from './package.js';
import { ONEDNN_KERNELS } from './register.js';
import { skipOnednnTests } from './test-support/require-addon.js';

/*
 * Every kernel against a float64 reference from the definition (@wus/core/testing), over the
 * same grid as the WebAssembly kernels: shapes, strides, paddings, dilations, odd channel counts.
 */

const BACKENDS = ['wasm', 'cpu'] as const;

function run(kernel: string, inputs: Record<string, [Float32Array, number[], tf.DataType?]>, attrs: object): Float32Array {
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [v, s, dtype]]) => [k, tf.tensor(v, s, dtype)]));
  try {
    const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

describe.skipIf(skipOnednnTests)('oneDNN kernels on the wasm and cpu backends', () => {
  beforeAll(async () => {
    const choice = await selectBackend('cpu', { kernels: [onednnKernels] });
    expect(choice.reason).toMatch(/onednn kernels/);
    expect(choice.reason).not.toMatch(/unavailable/);
  });

  it('are registered on the wasm and cpu backends, marked as ours, on every core (or WUS_KERNEL_THREADS)', () => {
    for (const backend of BACKENDS) for (const k of ONEDNN_KERNELS) expect(traitsOf(tf.getKernel(k, backend)!.kernelFunc)?.owner, `${k} on ${backend}`).toBe('onednn');
    const { version, isa, threads } = loadAddon().info();
    expect(version).toBe('3.2.0');
    expect(isa).toMatch(/avx2|avx512/);
    const wanted = Number(process.env['WUS_KERNEL_THREADS'] ?? 0);
    if (wanted > 0) expect(threads).toBe(wanted);
    else expect(threads).toBeGreaterThanOrEqual(1);
  });

  it.each(BACKENDS)('Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter match float64 over the grid on %s', async (backend) => {
    await tf.setBackend(backend);
    const cases = convGrid();
    expect(cases.length).toBeGreaterThan(150);
    for (const [n, c] of cases.entries()) {
      const { info, wShape, x, w, dy, ref, attrs } = convFixture(c, n);
      expectClose(run('Conv2D', { x: [x, c.x], filter: [w, wShape] }, attrs.forward), ref.y, `Conv2D ${backend} ${convLabel(c)}`);
      expectClose(run('Conv2DBackpropInput', { dy: [dy, info.outShape], filter: [w, wShape] }, attrs.input), ref.dx, `Conv2DBackpropInput ${backend} ${convLabel(c)}`);
      expectClose(run('Conv2DBackpropFilter', { x: [x, c.x], dy: [dy, info.outShape] }, attrs.filter), ref.dw, `Conv2DBackpropFilter ${backend} ${convLabel(c)}`);
    }
  });

  it.each(BACKENDS)('BatchMatMul matches float64 on %s: transposes, rank 2 and 3, a batch broadcast, and hands int32 to the kernel it replaced', async (backend) => {
    await tf.setBackend(backend);
    // [batch a, batch b, M, K, N]
    const dims: [number, number, number, number, number][] = [[1, 1, 1, 1, 1], [1, 1, 7, 5, 3], [1, 1, 33, 65, 17], [1, 1, 128, 784, 256], [1, 1, 299, 40, 10], [2, 2, 6, 5, 4], [3, 1, 6, 5, 4], [1, 4, 9, 3, 7]];
    let seed = 0;
    for (const [ba, bb, m, k, nn] of dims)
      for (const transposeA of [false, true])
        for (const transposeB of [false, true]) {
          seed++;
          const lead = (b: number) => (b === 1 && ba === 1 && bb === 1 && seed % 2 === 0 ? [] : [b]);
          const sa = [...lead(ba), ...(transposeA ? [k, m] : [m, k])];
          const sb = [...lead(bb), ...(transposeB ? [nn, k] : [k, nn])];
          const [va, vb] = [randomArray(size(sa), 800 + seed), randomArray(size(sb), 900 + seed)];
          const batch = Math.max(ba, bb);
          const want = new Float64Array(batch * m * nn);
          for (let b = 0; b < batch; b++)
            for (let i = 0; i < m; i++)
              for (let j = 0; j < nn; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) {
                  const av = va[(ba === 1 ? 0 : b) * m * k + (transposeA ? p * m + i : i * k + p)]!;
                  const bv = vb[(bb === 1 ? 0 : b) * k * nn + (transposeB ? j * k + p : p * nn + j)]!;
                  s += av * bv;
                }
                want[(b * m + i) * nn + j] = s;
              }
          expectClose(run('BatchMatMul', { a: [va, sa], b: [vb, sb] }, { transposeA, transposeB }), want, `BatchMatMul ${backend} ${ba}/${bb}×${m}×${k}×${nn} tA ${transposeA} tB ${transposeB}`);
        }
    if (backend === 'wasm') return; // tfjs-backend-wasm has no int32 BatchMatMul either
    const ints = tf.matMul(tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32'), tf.tensor2d([[5], [6]], undefined, 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([17, 39]);
    ints.dispose();
  });
});
