import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@wus/core';
import { wasmKernels } from './package.js';

/**
 * Two trials of a study must compute bit-identical gradients from identical inputs, or their
 * learning curves drift apart for no reason but thread timing. The filter gradient splits its
 * reduction over threads, so the split must not depend on which thread happened to do what.
 */
describe('Conv2DBackpropFilter is deterministic across calls (threaded wasm kernel)', () => {
  beforeAll(async () => {
    await selectBackend('wasm', { kernels: [wasmKernels] });
  });

  // Split over M (partial sums added up afterwards), over the rows of dW (few output positions,
  // a large dW) and over whole single-channel images: each must repeat exactly.
  it.each([
    ['M', [16, 16, 16, 32], 64],
    ['rows of dW', [8, 4, 4, 128], 128],
    ['images (single channel)', [32, 28, 28, 1], 6],
  ] as const)('gives bit-identical results on repeated calls while the threads race (split over %s)', (_, xShape, co) => {
    // Large enough for the kernel to use both threads.
    const x = tf.randomNormal([...xShape], 0, 1, 'float32', 1) as tf.Tensor4D;
    const dy = tf.randomNormal([xShape[0], xShape[1], xShape[2], co], 0, 1, 'float32', 2) as tf.Tensor4D;
    const filterGrad = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, xShape[3], co] }) as tf.Tensor;
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
