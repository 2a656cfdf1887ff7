import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@wus/core';
import { onednnKernels } from './package.js';
import { skipOnednnTests } from './test-support/require-addon.js';

/**
 * Two trials of a study must compute bit-identical gradients from identical inputs, or their
 * learning curves drift apart for no reason but thread timing. oneDNN's filter gradient reduces
 * over the batch on several OpenMP threads: the split must not depend on timing.
 */
describe.skipIf(skipOnednnTests)('oneDNN gradients are bit-identical run after run (threaded)', () => {
  beforeAll(async () => {
    await selectBackend('cpu', { kernels: [onednnKernels] });
  });

  it.each([
    ['wasm', '3×3 over 16×16', [16, 16, 16, 32], 64],
    ['cpu', '3×3 over 16×16', [16, 16, 16, 32], 64],
    ['cpu', 'a large dW', [8, 4, 4, 128], 128],
    ['wasm', 'single channel', [32, 28, 28, 1], 6],
  ] as const)('dW and dx on %s, %s', async (backend, _, xShape, co) => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([...xShape], 0, 1, 'float32', 1) as tf.Tensor4D;
    const dy = tf.randomNormal([xShape[0], xShape[1], xShape[2], co], 0, 1, 'float32', 2) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, xShape[3], co], 0, 1, 'float32', 3) as tf.Tensor4D;
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const grads = () => {
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [3, 3, xShape[3], co] }) as tf.Tensor;
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      const out = [dw.dataSync().slice(), dx.dataSync().slice()];
      tf.dispose([dw, dx]);
      return out;
    };
    const first = grads();
    for (let i = 0; i < 12; i++) {
      const again = grads();
      for (const [j, name] of ['dW', 'dx'].entries()) {
        expect(again[j]!.every((v, k) => Object.is(v, first[j]![k])), `${name}: call ${i + 2} differs from call 1`).toBe(true);
      }
    }
    tf.dispose([x, dy, w]);
  });
});
