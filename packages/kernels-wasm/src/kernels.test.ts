import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@wus/core';
import { wasmKernels } from './package.js';
import { registerWusKernels, stockKernel, unregisterWusKernels } from './register.js';
import type { KernelRuntime } from './runtime.js';
import { convFixture, convGrid as grid, convLabel as label, expectClose, isOne, randomArray, size, type ConvPad as Pad, type Pair } from '@wus/core/testing';

/*
 * Every kernel of kernels/wasm against two references, on both backends it is registered for
 * (wasm, cpu):
 *   - a float64 reference from the definition (@wus/core/testing; every case, dilations included);
 *   - tfjs's own cpu kernel where tfjs has one for the case (no dilation in tfjs's backprops).
 * Tolerance: @wus/core/testing's kernel-reference.ts (1e-5 relative to the reference's largest magnitude).
 */

/** Runs `kernel` on `backend`: ours (registered) or tfjs's stock config; returns its values. */
async function runKernel(backend: 'wasm' | 'cpu', kernel: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object, stock = false): Promise<Float32Array> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [v, s]]) => [k, tf.tensor(v, s)]));
  try {
    if (!stock) {
      const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
      const values = out.dataSync() as Float32Array;
      out.dispose();
      return values;
    }
    const config = stockKernel(kernel, backend);
    if (config === undefined) throw new Error(`no stock ${kernel} on ${backend}`);
    const b = tf.backend();
    const info = config.kernelFunc({ inputs: tensors, backend: b, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    const values = b.readSync(info.dataId) as Float32Array;
    b.disposeData(info.dataId);
    return values;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

describe('wus WebAssembly kernels', () => {
  let rt: KernelRuntime;
  beforeAll(async () => {
    // As the application does (core installs the gradients these kernels serve), then the runtime.
    await selectBackend('cpu', { kernels: [wasmKernels] });
    rt = await registerWusKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('run on every core available (tfjs-backend-wasm itself is single-threaded under Node)', async () => {
    expect(rt.threads).toBeGreaterThanOrEqual(1);
    await tf.setBackend('wasm');
    expect(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    // The relaxed-SIMD (FMA) build wherever this Node's V8 can enable it (Node 20 and later), the
    // plain one on request; `npm test` runs these tests once with each.
    expect(rt.simd).toBe(process.env['WUS_WASM_RELAXED_SIMD'] === '0' ? 'simd128' : 'relaxed-simd');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter match float64 and tfjs cpu over the grid', async () => {
    const cases = grid();
    expect(cases.length).toBeGreaterThan(150);
    for (const [n, c] of cases.entries()) {
      const { info, wShape, x, w, dy, ref, attrs } = convFixture(c, n);
      const { forward: convAttrs, input: inAttrs, filter: filterAttrs } = attrs;
      // Stock tfjs refuses stride > 1 together with dilation > 1 in conv2d; compare those to float64 only.
      const stockForward = isOne(c.strides) || isOne(c.dilations);
      for (const backend of ['wasm', 'cpu'] as const) {
        const y = await runKernel(backend, 'Conv2D', { x: [x, c.x], filter: [w, wShape] }, convAttrs);
        expectClose(y, ref.y, `Conv2D ${backend} ${label(c)}`);
        const dx = await runKernel(backend, 'Conv2DBackpropInput', { dy: [dy, info.outShape], filter: [w, wShape] }, inAttrs);
        expectClose(dx, ref.dx, `Conv2DBackpropInput ${backend} ${label(c)}`);
        const dw = await runKernel(backend, 'Conv2DBackpropFilter', { x: [x, c.x], dy: [dy, info.outShape] }, filterAttrs);
        expectClose(dw, ref.dw, `Conv2DBackpropFilter ${backend} ${label(c)}`);
        if (backend === 'cpu' && n % 4 === 0) {
          // tfjs's own cpu kernels are slow (the filter gradient is naive JS): a quarter of the grid.
          if (stockForward) expectClose(y, await runKernel('cpu', 'Conv2D', { x: [x, c.x], filter: [w, wShape] }, convAttrs, true), `stock Conv2D ${label(c)}`);
          if (isOne(c.dilations)) {
            expectClose(dx, await runKernel('cpu', 'Conv2DBackpropInput', { dy: [dy, info.outShape], filter: [w, wShape] }, inAttrs, true), `stock Conv2DBackpropInput ${label(c)}`);
            expectClose(dw, await runKernel('cpu', 'Conv2DBackpropFilter', { x: [x, c.x], dy: [dy, info.outShape] }, filterAttrs, true), `stock Conv2DBackpropFilter ${label(c)}`);
          }
        }
      }
    }
  });

  it('MaxPoolGrad matches tfjs cpu over windows, strides, paddings and odd sizes, ties included', async () => {
    const shapes: [number, number, number, number][] = [[1, 4, 4, 1], [2, 7, 9, 3], [3, 8, 8, 5], [2, 11, 6, 8], [4, 13, 16, 13]];
    const cases: [[number, number, number, number], Pair, Pair, Pad][] = [];
    for (const shape of shapes)
      for (const filterSize of [2, 3, [3, 2]] as Pair[])
        for (const strides of [1, 2, 3] as Pair[]) for (const pad of ['valid', 'same', 1] as Pad[]) cases.push([shape, filterSize, strides, pad]);
    // Large enough to be split over two threads.
    cases.push([[16, 32, 32, 16], 2, 2, 'valid'], [[8, 17, 17, 24], 3, 2, 'same']);
    let n = 0;
    for (const [shape, filterSize, strides, pad] of cases) {
      const info = tf.backend_util.computePool2DInfo(shape, filterSize, strides, 1, pad);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
      // Values on a coarse grid, many exactly equal (as after a ReLU): the first maximum must win.
      const x = randomArray(size(shape), ++n).map((v) => Math.max(0, Math.round(v * 3)));
      const dy = randomArray(size(info.outShape), 1000 + n);
      const attrs = { filterSize, strides, pad };
      const output = await runKernel('cpu', 'MaxPool', { x: [x, shape] }, attrs);
      const inputs = { dy: [dy, info.outShape], input: [x, shape], output: [output, info.outShape] } as Record<string, [Float32Array, number[]]>;
      const want = await runKernel('cpu', 'MaxPoolGrad', inputs, attrs, true);
      for (const backend of ['wasm', 'cpu'] as const) {
        expectClose(await runKernel(backend, 'MaxPoolGrad', inputs, attrs), want, `MaxPoolGrad ${backend} ${shape.join('×')} f ${JSON.stringify(filterSize)} s ${JSON.stringify(strides)} p ${JSON.stringify(pad)}`);
      }
    }
    expect(n).toBeGreaterThan(80);
  });

  it('conv-net gradients on wasm equal tfjs cpu stock kernels, dilated convolutions included', async () => {
    // Dilation d of a 3×3 kernel = no dilation of the (2d+1)×(2d+1) kernel with the taps spread
    // out and zeros between: P (rows = expanded taps) places them, and the gradient flows back.
    const expand = (w: tf.Tensor, d: number): tf.Tensor4D => {
      const [k, , ci, co] = w.shape as [number, number, number, number];
      const e = (k - 1) * d + 1;
      const p = tf.tensor2d(Array.from({ length: e * k }, (_, i) => (Math.floor(i / k) === (i % k) * d ? 1 : 0)), [e, k]);
      const rows = tf.reshape(tf.matMul(p, tf.reshape(w, [k, k * ci * co])), [e, k, ci, co]);
      const cols = tf.reshape(tf.matMul(p, tf.reshape(tf.transpose(rows, [1, 0, 2, 3]), [k, e * ci * co])), [e, e, ci, co]);
      return tf.transpose(cols, [1, 0, 2, 3]) as tf.Tensor4D;
    };
    const grads = async (backend: 'wasm' | 'cpu', dilation: number, expanded = false) => {
      await tf.setBackend(backend);
      const x = tf.tensor(randomArray(4 * 13 * 13 * 3, 11), [4, 13, 13, 3]) as tf.Tensor4D;
      const w1 = tf.variable(tf.tensor(randomArray(3 * 3 * 3 * 8, 12), [3, 3, 3, 8]));
      const w2 = tf.variable(tf.tensor(randomArray(3 * 3 * 8 * 6, 13), [3, 3, 8, 6]));
      const { value, grads: g } = tf.variableGrads(() => {
        const first = expanded ? tf.conv2d(x, expand(w1, dilation), 1, 'same') : tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same', 'NHWC', dilation);
        let h = tf.relu(first);
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
        h = tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'valid');
        return tf.sum(tf.square(h)) as tf.Scalar;
      }, [w1, w2]);
      const out = [await value.data(), await g[w1.name]!.data(), await g[w2.name]!.data()];
      tf.dispose([x, w1, w2, value, ...Object.values(g)]);
      return out as Float32Array[];
    };
    const ours = await grads('wasm', 1);
    unregisterWusKernels(['cpu']);
    try {
      const stock = await grads('cpu', 1);
      for (let i = 0; i < 3; i++) expectClose(ours[i]!, stock[i]!, `gradient ${i}`);
      // Without our kernels a dilated convolution has no gradient (tfjs's own limitation) …
      await expect(grads('cpu', 2)).rejects.toThrow(/dilation rates greater than 1/);
      // … with them it trains: the same gradients as the equivalent undilated network on stock kernels.
      const expanded = await grads('cpu', 2, true);
      for (const backend of ['wasm'] as const) {
        const dilated = await grads(backend, 2);
        for (let i = 0; i < 3; i++) expectClose(dilated[i]!, expanded[i]!, `dilated gradient ${i} on ${backend}`);
      }
    } finally {
      await registerWusKernels({ backends: ['cpu'] });
    }
    const dilatedCpu = await grads('cpu', 2);
    const dilatedWasm = await grads('wasm', 2);
    for (let i = 0; i < 3; i++) expectClose(dilatedCpu[i]!, dilatedWasm[i]!, `dilated gradient ${i}, cpu vs wasm`);
  });

  it('Sum and Mean over leading axes (and the cases handed back to tfjs) match tfjs cpu', async () => {
    const cases: [number[], number | number[]][] = [
      [[32, 10], 0], [[3, 2, 4101], [0, 1]], [[7, 5, 3, 6], [0, 1, 2]], [[7, 5, 3, 6], [2, 1, 0]], [[2, 9, 9, 13], [0, 1]], [[3, 4, 5], [0]],
      [[7, 5, 3, 6], [1, 2]], [[7, 5, 3, 6], -1], [[7, 5, 3, 6], [0, 1, 2, 3]], [[4, 6], 1], [[1, 1, 1, 5], [0, 1, 2]],
    ];
    let n = 0;
    for (const [shape, axis] of cases)
      for (const keepDims of [false, true])
        for (const kernel of ['Sum', 'Mean']) {
          const x = randomArray(size(shape), 500 + ++n);
          const attrs = { axis, keepDims };
          const want = await runKernel('cpu', kernel, { x: [x, shape] }, attrs, true);
          for (const backend of ['wasm', 'cpu'] as const) {
            await tf.setBackend(backend);
            const t = tf.tensor(x, shape);
            const out = tf.engine().runKernel(kernel, { x: t }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
            await tf.setBackend('cpu');
            const stockShape = (stockKernel(kernel, 'cpu')!.kernelFunc({ inputs: { x: tf.tensor(x, shape) }, backend: tf.backend(), attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo).shape;
            expect(out.shape, `${kernel} ${shape} ${JSON.stringify(axis)} keepDims ${keepDims}`).toEqual(stockShape);
            expectClose(out.dataSync(), want, `${kernel} ${backend} ${shape} ${JSON.stringify(axis)} keepDims ${keepDims}`);
            tf.dispose([t, out]);
          }
        }
  });

  it('BatchMatMul (transposes included, batched ones handed back to tfjs) matches tfjs cpu', async () => {
    // [batch, M, K, N]: odd sizes, vectors, one big enough for two threads, one batched
    const dims: [number, number, number, number][] = [[1, 1, 1, 1], [1, 7, 5, 3], [1, 33, 65, 17], [1, 10, 9, 8], [1, 4, 9, 8], [1, 128, 784, 256], [1, 299, 40, 10], [2, 6, 5, 4]];
    let n = 0;
    for (const [batch, m, k, nn] of dims)
      for (const transposeA of [false, true])
        for (const transposeB of [false, true]) {
          n++;
          // Rank 2, as tfjs's matMul passes a dense layer's operands, and rank 3.
          const lead = n % 2 === 0 ? [batch] : batch === 1 ? [] : [batch];
          const sa = [...lead, ...(transposeA ? [k, m] : [m, k])];
          const sb = [...lead, ...(transposeB ? [nn, k] : [k, nn])];
          const [va, vb] = [randomArray(size(sa), 800 + n), randomArray(size(sb), 900 + n)];
          const attrs = { transposeA, transposeB };
          const want = await runKernel('cpu', 'BatchMatMul', { a: [va, sa], b: [vb, sb] }, attrs, true);
          for (const backend of ['wasm', 'cpu'] as const) {
            const got = await runKernel(backend, 'BatchMatMul', { a: [va, sa], b: [vb, sb] }, attrs);
            expectClose(got, want, `BatchMatMul ${backend} ${batch}×${m}×${k}×${nn} tA ${transposeA} tB ${transposeB}`);
          }
        }
  });

  it('Add: a bias over the last axis (either order) and the cases handed back to tfjs match tfjs cpu', async () => {
    const cases: [number[], number[]][] = [
      [[64, 28, 28, 6], [6]], [[6], [64, 5, 5, 6]], [[3, 7, 7, 16], [1, 1, 1, 16]], [[9, 13], [13]], [[5, 4, 4, 3], [1, 3]],
      // handed back: equal shapes, other broadcasts, a bias of higher rank than x
      [[4, 5, 6], [4, 5, 6]], [[4, 5, 6], [5, 1]], [[4, 6], [1, 1, 6]], [[7], [7]],
    ];
    let n = 0;
    for (const [sa, sb] of cases) {
      const [va, vb] = [randomArray(size(sa), 600 + ++n), randomArray(size(sb), 700 + n)];
      const want = await runKernel('cpu', 'Add', { a: [va, sa], b: [vb, sb] }, {}, true);
      for (const backend of ['wasm', 'cpu'] as const) {
        await tf.setBackend(backend);
        const [a, b] = [tf.tensor(va, sa), tf.tensor(vb, sb)];
        const out = tf.add(a, b);
        expect(out.shape, `${sa} + ${sb}`).toEqual(tf.backend_util.assertAndGetBroadcastShape(sa, sb));
        expectClose(await out.data(), want, `Add ${backend} ${sa} + ${sb}`);
        tf.dispose([a, b, out]);
      }
    }
    await tf.setBackend('wasm');
    const ints = tf.add(tf.tensor([[1, 2], [3, 4]], undefined, 'int32'), tf.tensor([10, 20], undefined, 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([11, 22, 13, 24]);
    ints.dispose();
  });

  it('Relu gradient (one kernel) equals tfjs cpu; Identity and Cast share buffers without leaks', async () => {
    const shape = [4, 7, 7, 5];
    const x = randomArray(size(shape), 91).map((v) => Math.round(v * 4) / 4); // exact zeros included
    const dy = randomArray(size(shape), 92);
    const gradOn = async (backend: 'wasm' | 'cpu') => {
      await tf.setBackend(backend);
      const xt = tf.tensor(x, shape);
      const g = tf.grad((t: tf.Tensor) => tf.relu(t))(xt, tf.tensor(dy, shape));
      const v = await g.data();
      tf.dispose([xt, g]);
      return v;
    };
    const want = dy.map((g, i) => (x[i]! > 0 ? g : 0));
    expectClose(await gradOn('wasm'), want, 'relu grad wasm');
    expectClose(await gradOn('cpu'), want, 'relu grad cpu');

    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const a = tf.tensor(x, shape);
    const b = tf.clone(a);
    const c = tf.cast(a, 'float32');
    a.dispose();
    expectClose(await b.data(), x, 'clone survives its source');
    expectClose(await c.data(), x, 'cast survives its source');
    const i32 = tf.tidy(() => tf.cast(tf.tensor([1.7, -2.2, 3]), 'int32'));
    expect(Array.from(await i32.data())).toEqual([1, -2, 3]);
    tf.dispose([b, c, i32]);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('selectBackend no longer passes wasm over for conv nets', async () => {
    const choice = await selectBackend('auto', { kernels: [wasmKernels], requiredKernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad'] });
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(choice.name);
    expect(choice.reason).not.toMatch(/wus kernels unavailable/);
  });
});
