import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/backend.js';
import { ConfigError } from '../errors/errors.js';
import * as nn from './index.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Trainable variables tfjs knows about, by tfjs name. */
const trainableVariables = () => Object.values(tf.engine().state.registeredVariables).filter((v) => v.trainable).map((v) => v.name);

function smallResNet() {
  return nn.sequential({
    name: 'small-resnet',
    inputShape: [8, 8, 2],
    numClasses: 3,
    seed: 1,
    layers: [
      nn.conv2d({ filters: 4, kernelSize: 3 }),
      nn.batchNorm(),
      nn.relu(),
      nn.basicBlock({ filters: 6, strides: 2 }),
      nn.basicBlock({ filters: 6 }),
      nn.globalAvgPool(),
      nn.dense({ units: 3 }),
    ],
  });
}

describe('composite layers keep depth = index among parameterised leaf layers', () => {
  it('numbers the parts of residual blocks consecutively, body before shortcut, and names them by block', () => {
    const before = new Set(trainableVariables());
    const model = smallResNet();
    expect(model.parameters.map((p) => `${p.name}:${p.group}:${p.depth}`)).toEqual([
      'conv2d_1/kernel:weight:0',
      'conv2d_1/bias:bias:0',
      'batch_norm_1/gamma:norm-scale:1',
      'batch_norm_1/beta:norm-shift:1',
      'basic_block_1/conv2d_1/kernel:weight:2',
      'basic_block_1/batch_norm_1/gamma:norm-scale:3',
      'basic_block_1/batch_norm_1/beta:norm-shift:3',
      'basic_block_1/conv2d_2/kernel:weight:4',
      'basic_block_1/batch_norm_2/gamma:norm-scale:5',
      'basic_block_1/batch_norm_2/beta:norm-shift:5',
      'basic_block_1/shortcut/conv2d_1/kernel:weight:6',
      'basic_block_1/shortcut/batch_norm_1/gamma:norm-scale:7',
      'basic_block_1/shortcut/batch_norm_1/beta:norm-shift:7',
      // Same channels, stride 1: identity shortcut, no projection.
      'basic_block_2/conv2d_1/kernel:weight:8',
      'basic_block_2/batch_norm_1/gamma:norm-scale:9',
      'basic_block_2/batch_norm_1/beta:norm-shift:9',
      'basic_block_2/conv2d_2/kernel:weight:10',
      'basic_block_2/batch_norm_2/gamma:norm-scale:11',
      'basic_block_2/batch_norm_2/beta:norm-shift:11',
      'dense_1/kernel:weight:12',
      'dense_1/bias:bias:12',
    ]);
    expect(model.parameters.find((p) => p.name === 'basic_block_1/conv2d_1/kernel')!.layer).toBe('basic_block_1/conv2d_1');
    // Every trainable variable the build created is a classified parameter; moving stats are state.
    const created = trainableVariables().filter((n) => !before.has(n));
    expect(created.sort()).toEqual(model.parameters.map((p) => p.variable.name).sort());
    expect(model.state).toHaveLength(2 * 6);
    expect(model.layers.map((l) => l.outputShape)).toEqual([[8, 8, 4], [8, 8, 4], [8, 8, 4], [4, 4, 6], [4, 4, 6], [6], [3]]);
    expect(model.summary()).toMatch(/basic_block_1 +\[4, 4, 6\][\s\S]*\n {2}basic_block_1\/shortcut\/conv2d_1 /);
    const y = tf.tidy(() => model.forward(tf.ones([2, 8, 8, 2]), true));
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    model.dispose();
  });

  it('keeps the top-level seeds of a model without composites (LeNet-style weights unchanged)', () => {
    const layers = [nn.conv2d({ filters: 2, kernelSize: 3 }), nn.relu(), nn.flatten(), nn.dense({ units: 2 })];
    const a = nn.sequential({ name: 'a', inputShape: [4, 4, 1], numClasses: 2, seed: 5, layers });
    const b = nn.sequential({ name: 'b', inputShape: [4, 4, 1], numClasses: 2, seed: 5, layers });
    expect(values(a.parameters[2]!.variable)).toEqual(values(b.parameters[2]!.variable));
    a.dispose();
    b.dispose();
  });
});

describe('nn.residual', () => {
  it('computes after(body(x) + shortcut(x)) with an identity shortcut', () => {
    const model = nn.sequential({
      name: 'res',
      inputShape: [3],
      numClasses: 3,
      seed: 2,
      layers: [nn.residual({ body: [nn.dense({ units: 3 })], after: [nn.relu()] })],
    });
    const [kernel, bias] = model.parameters;
    expect(kernel!.name).toBe('residual_1/dense_1/kernel');
    bias!.variable.assign(tf.tensor1d([0.5, -0.25, 0]));
    const x = tf.tensor2d([[1, -2, 3], [0.5, 0.5, -4]]);
    const got = model.forward(x, false);
    const want = tf.relu(tf.add(tf.add(tf.matMul(x, kernel!.variable as tf.Tensor2D), bias!.variable), x));
    expect(values(got)).toEqual(values(want));
    tf.dispose([x, got, want]);
    model.dispose();
  });

  it('refuses a body and shortcut of different shapes, suggesting a projection', () => {
    const build = () =>
      nn.sequential({
        name: 'bad',
        inputShape: [4, 4, 2],
        numClasses: 2,
        seed: 1,
        layers: [nn.residual({ body: [nn.conv2d({ filters: 3, kernelSize: 3 })] }), nn.flatten(), nn.dense({ units: 2 })],
      });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/residual_1: the body outputs \[4, 4, 3\] but the shortcut \[4, 4, 2\]; add a projection/);
  });
});

describe('conv2d with numeric (PyTorch-style) padding', () => {
  it('pads that many zeros on every side: out = floor((n + 2p − k)/s) + 1', () => {
    const model = nn.sequential({
      name: 'c',
      inputShape: [8, 8, 2],
      numClasses: 8,
      seed: 3,
      layers: [nn.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 1, useBias: false }), nn.flatten(), nn.dense({ units: 8 })],
    });
    expect(model.layers[0]!.outputShape).toEqual([4, 4, 2]);
    const x = tf.randomUniform([1, 8, 8, 2], -1, 1, 'float32', 4);
    const kernel = model.parameters[0]!.variable as tf.Tensor4D;
    const got = model.layers[0]!.apply(x, false);
    const want = tf.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]) as tf.Tensor4D, kernel, 2, 'valid');
    expect(values(got)).toEqual(values(want));
    tf.dispose([x, got, want]);
    model.dispose();
  });

  it('gives the CIFAR AlexNet stem (11×11, stride 4, pad 5) an 8×8 map on 32×32 and rejects bad padding', () => {
    const spec = nn.conv2d({ filters: 1, kernelSize: 11, strides: 4, padding: 5 });
    const layers = [spec, nn.flatten(), nn.dense({ units: 2 })];
    const m = nn.sequential({ name: 'stem', inputShape: [32, 32, 3], numClasses: 2, seed: 1, layers });
    expect(m.layers[0]!.outputShape).toEqual([8, 8, 1]);
    m.dispose();
    expect(() => nn.sequential({ name: 'x', inputShape: [3, 3, 1], numClasses: 2, seed: 1, layers: [nn.conv2d({ filters: 1, kernelSize: 11, padding: 2 }), nn.flatten(), nn.dense({ units: 2 })] })).toThrow(
      /conv2d_1: a 11×11 convolution \(stride 1, padding 2\) does not fit a 3×3 input; use a larger input \(pad it\)/,
    );
    expect(() => nn.sequential({ name: 'x', inputShape: [3, 3, 1], numClasses: 2, seed: 1, layers: [nn.conv2d({ filters: 1, kernelSize: 1, padding: -1 }), nn.flatten(), nn.dense({ units: 2 })] })).toThrow(
      /padding must be 'same', 'valid' or a non-negative integer, got -1/,
    );
  });
});

describe('nn.globalAvgPool', () => {
  it('averages each channel over height and width', () => {
    const m = nn.sequential({ name: 'g', inputShape: [2, 2, 2], numClasses: 2, seed: 1, layers: [nn.globalAvgPool()] });
    const y = m.forward(tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]), false);
    expect(values(y)).toEqual([2.5, 25]);
    y.dispose();
    expect(() => nn.sequential({ name: 'g', inputShape: [4], numClasses: 4, seed: 1, layers: [nn.globalAvgPool()] })).toThrow(/expects \[height, width, channels\]/);
  });
});

describe('nn.dropout', () => {
  const model = (rate: number) =>
    nn.sequential({ name: 'd', inputShape: [200], numClasses: 200, seed: 1, layers: [nn.dropout({ rate }), nn.dropout({ rate })] });

  it('is the identity when not training, scales kept units by 1/(1 − rate) when training', () => {
    const m = model(0.5);
    const x = tf.ones([1, 200]);
    expect(values(m.forward(x, false))).toEqual(new Array(200).fill(1));
    const y = values(m.forward(x, true, { seed: 7 }));
    expect(new Set(y)).toEqual(new Set([0, 4])); // two layers: kept twice → ×2×2
    const kept = y.filter((v) => v > 0).length;
    expect(kept).toBeGreaterThan(20);
    expect(kept).toBeLessThan(80);
    x.dispose();
  });

  it('draws its mask from the pass seed and the layer name: same seed, same mask; other seed or layer, other mask', () => {
    const one = nn.sequential({ name: 'one', inputShape: [200], numClasses: 200, seed: 1, layers: [nn.dropout({ rate: 0.5 })] });
    const other = nn.sequential({ name: 'other', inputShape: [200], numClasses: 200, seed: 99, layers: [nn.dropout({ rate: 0.5 })] });
    const x = tf.ones([1, 200]);
    const mask = (m: nn.SequentialModel, seed?: number) => values(m.forward(x, true, seed === undefined ? {} : { seed }));
    expect(mask(one, 3)).toEqual(mask(one, 3));
    expect(mask(other, 3)).toEqual(mask(one, 3)); // the model's init seed plays no part
    expect(mask(one, 4)).not.toEqual(mask(one, 3));
    const two = nn.sequential({ name: 'two', inputShape: [200], numClasses: 200, seed: 1, layers: [nn.dense({ units: 200, useBias: false }), nn.dropout({ rate: 0.5 }), nn.dropout({ rate: 0.5 })] });
    expect(values(two.layers[1]!.apply(x, true, { seed: 3 }))).not.toEqual(values(two.layers[2]!.apply(x, true, { seed: 3 })));
    expect(values(two.layers[1]!.apply(x, true, { seed: 3 }))).toEqual(values(two.layers[1]!.apply(x, true, { seed: 3 })));
    // Without a pass seed, successive calls differ but replay identically on a fresh model.
    const fresh = () => nn.sequential({ name: 'f', inputShape: [200], numClasses: 200, seed: 1, layers: [nn.dropout({ rate: 0.5 })] });
    const a = fresh();
    const b = fresh();
    const seqA = [mask(a), mask(a)];
    expect(seqA[0]).not.toEqual(seqA[1]);
    expect([mask(b), mask(b)]).toEqual(seqA);
    x.dispose();
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => model(1)).toThrow(/dropout rate must be in \[0, 1\), got 1/);
  });
});

describe('required kernels', () => {
  it('name real tfjs kernels (all present on the cpu backend), so backend selection is not misled', () => {
    const model = nn.sequential({
      name: 'all-layers',
      inputShape: [8, 8, 2],
      numClasses: 3,
      seed: 1,
      layers: [
        nn.conv2d({ filters: 2, kernelSize: 3 }), nn.batchNorm(), nn.relu(), nn.maxPool({ size: 2 }), nn.avgPool({ size: 2 }),
        nn.basicBlock({ filters: 3, strides: 2 }), nn.globalAvgPool(), nn.dropout({ rate: 0.1 }), nn.dense({ units: 4 }), nn.tanh(), nn.dense({ units: 3 }),
      ],
    });
    expect(model.requiredKernels.filter((k) => tf.getKernel(k, 'cpu') === undefined)).toEqual([]);
    model.dispose();
  });
});
