#!/usr/bin/env node
// Loads @tensorflow/tfjs-node(-gpu) the way the workspace resolves it and proves it trains:
// a few SGD steps of a tiny conv net on the 'tensorflow' backend (loss must fall), and a
// bias-only gradient that runs no Conv2DBackpropFilter while a full one does.
//   node verify.cjs [--root DIR] [--package @tensorflow/tfjs-node]
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const root = path.resolve(arg('--root', path.join(__dirname, '..', '..')));
const pkg = arg('--package', '@tensorflow/tfjs-node');
const req = createRequire(path.join(root, 'package.json'));

function fail(msg) {
  console.error(`verify: FAILED: ${msg}`);
  process.exit(1);
}

async function main() {
  const t0 = performance.now();
  let tf;
  try {
    tf = req(pkg);
  } catch (e) {
    fail(`${pkg} does not load from ${root}: ${String(e.message).split('\n')[0]}`);
  }
  const loadMs = performance.now() - t0;
  // The backend must register on the workspace's own tfjs-core, the one @wus/core imports.
  const core = req('@tensorflow/tfjs-core');
  if (core.getBackend() !== 'tensorflow' || core.engine() !== tf.engine()) {
    fail(`the tensorflow backend is not active on the workspace's tfjs-core (backend: ${core.getBackend()})`);
  }
  const backend = tf.backend();
  console.log(`verify: ${pkg} loaded from ${req.resolve(pkg)} in ${loadMs.toFixed(0)} ms`);
  console.log(`verify: TensorFlow ${backend.binding.TF_Version}, tfjs ${tf.version.tfjs}, GPU package: ${backend.isGPUPackage}, using a GPU device: ${backend.isUsingGpuDevice}`);

  const rand = (shape, seed) => tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
  const w1 = tf.variable(rand([3, 3, 1, 4], 1), true, 'w1');
  const b1 = tf.variable(tf.zeros([4]), true, 'b1');
  const w2 = tf.variable(rand([6 * 6 * 4, 3], 2), true, 'w2');
  const b2 = tf.variable(tf.zeros([3]), true, 'b2');
  const x = rand([16, 8, 8, 1], 3);
  const y = tf.oneHot(tf.tensor1d([...Array(16).keys()].map((i) => i % 3), 'int32'), 3);
  const loss = () =>
    tf.tidy(() => {
      const h = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'valid'), b1));
      const logits = tf.add(tf.matMul(tf.reshape(h, [16, -1]), w2), b2);
      return tf.losses.softmaxCrossEntropy(y, logits);
    });
  const step = (vars) =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.5)));
      return value.dataSync()[0];
    });
  const losses = [];
  for (let i = 0; i < 5; i++) losses.push(step([w1, b1, w2, b2]));
  console.log(`verify: training losses ${losses.map((l) => l.toFixed(4)).join(' > ')}`);
  if (!(losses[4] < losses[0]) || !losses.every(Number.isFinite)) fail('the loss did not fall');

  const kernels = async (vars) => (await tf.profile(() => tf.dispose(tf.variableGrads(loss, vars)))).kernels.map((k) => k.kernelName ?? k.name);
  const full = await kernels([w1, b1, w2, b2]);
  const biasOnly = await kernels([b1, b2]);
  const n = (list, name) => list.filter((k) => k === name).length;
  console.log(`verify: Conv2DBackpropFilter kernels: full step ${n(full, 'Conv2DBackpropFilter')}, bias-only step ${n(biasOnly, 'Conv2DBackpropFilter')}`);
  if (n(full, 'Conv2DBackpropFilter') !== 1 || n(biasOnly, 'Conv2DBackpropFilter') !== 0) fail('unexpected weight-gradient kernels');
  console.log('verify: OK');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
