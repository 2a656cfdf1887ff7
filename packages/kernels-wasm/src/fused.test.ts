import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@wus/core';
import { wasmKernels } from './package.js';
import { BATCH_NORM_MAX_CHANNELS, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, fusedAdamUpdate, fusedBatchNormTrain, fusedSgdUpdate, type AdamUpdateAttrs, type SgdUpdateAttrs } from '@wus/core';
import { registerWusKernels, unregisterWusKernels } from './register.js';
import { expectClose, randomArray, size } from '@wus/core/testing';

/*
 * The fused kernels (batch norm forward/backward, SGD update) on both backends they are
 * registered for: batch norm against a float64 reference from the definition and against tfjs's
 * autodiff of the composed op; the SGD update bit for bit against the composed tfjs ops.
 */

interface BnCase {
  readonly shape: number[];
  readonly epsilon: number;
}

/** mean, biased variance, y, and the gradients of Σ y·dy, in float64. */
function bnReference(x: Float32Array, gamma: Float32Array, beta: Float32Array, dy: Float32Array, c: number, eps: number) {
  const rows = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) mean[j]! += x[r * c + j]! / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) variance[j]! += (x[r * c + j]! - mean[j]!) ** 2 / rows;
  const s = variance.map((v) => 1 / Math.sqrt(v + eps));
  const y = new Float64Array(x.length);
  const dbeta = new Float64Array(c);
  const dgamma = new Float64Array(c);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < c; j++) {
      const xhat = (x[r * c + j]! - mean[j]!) * s[j]!;
      y[r * c + j] = xhat * gamma[j]! + beta[j]!;
      dbeta[j]! += dy[r * c + j]!;
      dgamma[j]! += dy[r * c + j]! * xhat;
    }
  const dx = new Float64Array(x.length);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < c; j++) {
      const xhat = (x[r * c + j]! - mean[j]!) * s[j]!;
      dx[r * c + j] = gamma[j]! * s[j]! * (dy[r * c + j]! - dbeta[j]! / rows - (xhat * dgamma[j]!) / rows);
    }
  return { mean, variance, y, dx, dgamma, dbeta };
}

const BN_CASES: BnCase[] = [
  { shape: [2, 5, 3, 7], epsilon: 1e-5 }, // odd channel count: the scalar tail
  { shape: [4, 4, 4, 16], epsilon: 1e-3 },
  { shape: [3, 10], epsilon: 1e-5 }, // dense features
  { shape: [1, 1, 1, 4], epsilon: 1e-3 }, // one row: zero variance
  { shape: [600, 5], epsilon: 1e-5 }, // several 256-row summation blocks
  { shape: [8, 9, 9, 13], epsilon: 1e-5 },
  { shape: [2, 3, 3, BATCH_NORM_MAX_CHANNELS], epsilon: 1e-5 }, // the largest channel count taken
];

async function expectSameBits(got: tf.Tensor[], want: tf.Tensor[], what: string): Promise<void> {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [a, b] = [await got[i]!.data(), await want[i]!.data()];
    const differing = a.findIndex((v, j) => !Object.is(v, b[j]));
    expect(differing, `${what} output ${i}: first differing element`).toBe(-1);
  }
}

describe('fused wasm kernels: BatchNorm (training), SGD and Adam updates', () => {
  beforeAll(async () => {
    await selectBackend('wasm', { kernels: [wasmKernels] }); // registers tfjs-backend-wasm and our kernels
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('BatchNorm forward and backward match float64 over shapes, on wasm and cpu', async () => {
    let seed = 700;
    for (const { shape, epsilon } of BN_CASES) {
      const c = shape[shape.length - 1]!;
      // Offset: a one-pass E[x²] − E[x]² would lose the variance to cancellation. Only with many
      // rows: with few, a channel's spread can be tiny and float32 rounding of the mean alone
      // (|mean|·6e-8) is then amplified by 1/std beyond the tolerance, in any implementation.
      const offset = size(shape) / c >= 64 ? 40 : 0.5;
      const x = randomArray(size(shape), ++seed).map((v) => offset + 3 * v);
      const gamma = randomArray(c, ++seed).map((v) => 1 + 0.5 * v);
      const beta = randomArray(c, ++seed);
      const dy = randomArray(size(shape), ++seed);
      const ref = bnReference(x, gamma, beta, dy, c, epsilon);
      for (const backend of ['wasm', 'cpu'] as const) {
        await tf.setBackend(backend);
        const what = `${backend} ${shape.join('×')}`;
        const [xt, gt, bt, dyt] = [tf.tensor(x, shape), tf.tensor(gamma), tf.tensor(beta), tf.tensor(dy, shape)];
        const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xt, gamma: gt, beta: bt }, { epsilon }) as tf.Tensor[];
        expect(y!.shape).toEqual(shape);
        expectClose(await mean!.data(), ref.mean, `mean ${what}`);
        expectClose(await variance!.data(), ref.variance, `variance ${what}`);
        expectClose(await y!.data(), ref.y, `y ${what}`);
        const grads = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: dyt, x: xt, mean: mean!, variance: variance!, gamma: gt }, { epsilon }) as tf.Tensor[];
        const [dx, dgamma, dbeta] = grads as [tf.Tensor, tf.Tensor, tf.Tensor];
        expectClose(await dx.data(), ref.dx, `dx ${what}`);
        expectClose(await dgamma.data(), ref.dgamma, `dgamma ${what}`);
        expectClose(await dbeta.data(), ref.dbeta, `dbeta ${what}`);
        tf.dispose([xt, gt, bt, dyt, y!, mean!, variance!, ...grads]);
      }
    }
  });

  it('gradients through the fused op equal tfjs autodiff of the composed op', async () => {
    const shape = [4, 6, 6, 12];
    const x = randomArray(size(shape), 801).map((v) => 2 + v);
    const weights = randomArray(size(shape), 802); // loss = Σ y·r: a non-uniform upstream gradient
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      const [xt, r, gamma, beta] = [tf.tensor(x, shape), tf.tensor(weights, shape), tf.tensor(randomArray(12, 803)), tf.tensor(randomArray(12, 804))];
      const composed = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b), r));
      };
      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fusedBatchNormTrain(a, g, b, 1e-5)!.y, r));
      const want = tf.grads(composed)([xt, gamma, beta]);
      const got = tf.grads(fused)([xt, gamma, beta]);
      for (let i = 0; i < 3; i++) expectClose(await got[i]!.data(), await want[i]!.data(), `${backend} gradient ${['x', 'gamma', 'beta'][i]}`);
      tf.dispose([xt, r, gamma, beta, ...want, ...got]);
    }
  });

  it('falls back (undefined) beyond the channel limit, for other dtypes, and without our kernels', async () => {
    await tf.setBackend('wasm');
    const one = (c: number) => [tf.ones([2, c]), tf.ones([c]), tf.zeros([c])] as const;
    const [x, g, b] = one(BATCH_NORM_MAX_CHANNELS + 1);
    expect(fusedBatchNormTrain(x, g, b, 1e-5)).toBeUndefined();
    const xi = tf.ones([2, 3], 'int32');
    expect(fusedBatchNormTrain(xi, tf.ones([3]), tf.zeros([3]), 1e-5)).toBeUndefined();
    unregisterWusKernels(['wasm']);
    try {
      const [x3, g3, b3] = one(3);
      expect(fusedBatchNormTrain(x3, g3, b3, 1e-5)).toBeUndefined();
      expect(fusedSgdUpdate(g3, g3, undefined, { lr: 1, momentum: 0, weightDecay: 0, nesterov: false, first: true })).toBeUndefined();
    } finally {
      await registerWusKernels({ backends: ['wasm'] });
    }
  });

  it('SGD update gives the same bits as the composed tfjs ops, every variant, without leaks', async () => {
    const n = 1003; // not a multiple of 4: the scalar tail
    const w = randomArray(n, 901);
    const g = randomArray(n, 902).map((v) => v * 0.1);
    const buf = randomArray(n, 903).map((v) => v * 0.05);
    const composed = (wt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor | undefined, a: SgdUpdateAttrs) => {
      const gd = a.weightDecay > 0 ? tf.add(gt, tf.mul(wt, a.weightDecay)) : gt;
      if (bt === undefined) return { w: tf.sub(wt, tf.mul(gd, a.lr)) };
      const next = a.first ? gd : tf.add(tf.mul(bt, a.momentum), gd);
      const direction = a.nesterov ? tf.add(gd, tf.mul(next, a.momentum)) : next;
      return { w: tf.sub(wt, tf.mul(direction, a.lr)), buf: next };
    };
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      for (const momentum of [0, 0.9])
        for (const nesterov of momentum > 0 ? [false, true] : [false])
          for (const first of [false, true])
            for (const weightDecay of [0, 5e-4]) {
              const attrs = { lr: 0.05, momentum, weightDecay, nesterov, first };
              const what = `${backend} ${JSON.stringify(attrs)}`;
              const [wt, gt] = [tf.tensor(w), tf.tensor(g)];
              const bt = momentum > 0 ? tf.tensor(buf) : undefined;
              const before = tf.memory().numTensors;
              const got = tf.tidy(() => {
                const r = fusedSgdUpdate(wt, gt, bt, attrs)!;
                return r.buf === undefined ? [r.w] : [r.w, r.buf];
              });
              expect(tf.memory().numTensors - before, what).toBe(got.length);
              const want = tf.tidy(() => {
                const r = composed(wt, gt, bt, attrs);
                return r.buf === undefined ? [r.w] : [r.w, r.buf];
              });
              await expectSameBits(got, want, what);
              tf.dispose([wt, gt, ...(bt ? [bt] : []), ...got, ...want]);
            }
    }
  });

  it('Adam update gives the same bits as the composed tfjs ops (Adam.step), with and without weight decay', async () => {
    const n = 1003;
    const [w, g] = [randomArray(n, 911), randomArray(n, 912).map((x) => x * 0.1)];
    const [m, v] = [randomArray(n, 913).map((x) => x * 0.01), randomArray(n, 914).map((x) => x * x * 1e-3)];
    const composed = (wt: tf.Tensor, gt: tf.Tensor, mt: tf.Tensor, vt: tf.Tensor, a: AdamUpdateAttrs) => {
      const gd = a.weightDecay > 0 ? tf.add(gt, tf.mul(wt, a.weightDecay)) : gt;
      const m2 = tf.add(tf.mul(mt, a.beta1), tf.mul(gd, 1 - a.beta1));
      const v2 = tf.add(tf.mul(vt, a.beta2), tf.mul(tf.square(gd), 1 - a.beta2));
      return [tf.sub(wt, tf.div(tf.mul(m2, a.stepSize), tf.add(tf.sqrt(v2), a.epsilon))), m2, v2];
    };
    for (const backend of ['wasm', 'cpu'] as const) {
      await tf.setBackend(backend);
      for (const count of [1, 7])
        for (const weightDecay of [0, 1e-2]) {
          const [beta1, beta2] = [0.9, 0.999];
          const attrs = { beta1, beta2, stepSize: (1e-3 * Math.sqrt(1 - beta2 ** count)) / (1 - beta1 ** count), epsilon: 1e-8 * Math.sqrt(1 - beta2 ** count), weightDecay };
          const ts = [tf.tensor(w), tf.tensor(g), tf.tensor(m), tf.tensor(v)] as const;
          const got = tf.tidy(() => {
            const r = fusedAdamUpdate(...ts, attrs)!;
            return [r.w, r.m, r.v];
          });
          const want = tf.tidy(() => composed(...ts, attrs));
          await expectSameBits(got, want, `${backend} t=${count} wd=${weightDecay}`);
          tf.dispose([...ts, ...got, ...want]);
        }
    }
  });
});
