import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../backend/backend.js';

/**
 * Two trials of a study must compute bit-identical gradients from identical inputs, or their
 * learning curves drift apart for no reason but thread timing. The filter gradient splits its
 * reduction over threads, so the split must not depend on which thread happened to do what.
 */
describe('Conv2DBackpropFilter is deterministic across calls (threaded wasm kernel)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('gives bit-identical results on repeated calls while the threads race', () => {
    // Large enough for the kernel to use both threads and many chunks.
    const x = tf.randomNormal([16, 16, 16, 32], 0, 1, 'float32', 1) as tf.Tensor4D;
    const dy = tf.randomNormal([16, 16, 16, 64], 0, 1, 'float32', 2) as tf.Tensor4D;
    const filterGrad = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }) as tf.Tensor;
    const first = filterGrad().dataSync().slice();
    for (let i = 0; i < 12; i++) {
      const again = filterGrad();
      const same = again.dataSync().every((v, j) => Object.is(v, first[j]));
      again.dispose();
      expect(same, `call ${i + 2} differs from call 1`).toBe(true);
    }
    tf.dispose([x, dy]);
  });
});
