import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@wus/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersPadding, samePads } from './padding.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('layersPadding', () => {
  it('keeps the common cases simple: p = 1 at stride 1 is "same", p = 0 "valid"', () => {
    expect(layersPadding(1, [32, 32], 3, 1, 1)).toEqual({ padding: 'same', zeroPad: 0 });
    expect(layersPadding(2, [28, 28], 5, 1, 1)).toEqual({ padding: 'same', zeroPad: 0 });
    expect(layersPadding(0, [8, 8], 1, 2, 1)).toEqual({ padding: 'valid', zeroPad: 0 });
    expect(layersPadding('same', [8, 8], 3, 2, 1)).toEqual({ padding: 'same', zeroPad: 0 });
  });

  it("needs a ZeroPadding2D where TensorFlow's 'same' pads asymmetrically (ResNet's stride-2 3×3 on an even input)", () => {
    expect(samePads(32, 3, 2, 1)).toEqual([0, 1]);
    expect(layersPadding(1, [32, 32], 3, 2, 1)).toEqual({ padding: 'valid', zeroPad: 1 });
  });

  // The definition of correct: the chosen expression computes what an explicit symmetric pad does.
  const cases = [];
  for (const n of [7, 8]) for (const k of [1, 3, 5]) for (const [s, d] of [[1, 1], [2, 1], [1, 2]] as const) for (const p of [0, 1, 2]) {
    // Only convolutions whose (dilated) kernel fits the padded input: conv2d refuses the others.
    if (n + 2 * p >= (k - 1) * d + 1) cases.push({ n, k, s, d, p });
  }
  it.each(cases)('equals an explicit pad of $p: $n×$n input, $k×$k kernel, stride $s, dilation $d', ({ n, k, s, d, p }) => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, n, n, 2], 0, 1, 'float32', 7) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, 2, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
      const explicit = tf.conv2d(tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]), w, s, 'valid', 'NHWC', d);
      const { padding, zeroPad } = layersPadding(p, [n, n], k, s, d);
      const chosen = tf.conv2d(tf.pad(x, [[0, 0], [zeroPad, zeroPad], [zeroPad, zeroPad], [0, 0]]), w, s, padding, 'NHWC', d);
      expect(chosen.shape).toEqual(explicit.shape);
      expect(tf.max(tf.abs(tf.sub(chosen, explicit))).dataSync()[0]).toBeLessThan(1e-5);
    });
  });
});
