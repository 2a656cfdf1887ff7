// Convolution kernel probe: GFLOP/s of Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter on the
// wasm backend (our kernels) for VGG-sized 3×3 layers, median of 5 after 2 warm-up calls; with
// --onednn the oneDNN kernels' too, on the same tensors, alternating shape by shape
// (conv_probe_torch.py is PyTorch's peer). Complements dist/main.js (whole training steps) when
// tuning tools/wasm-kernels/src/kernels.c or packages/kernels-onednn/native.
//   npx nx run @wus/bench:build && node tools/bench/conv-probe.mjs [--onednn]
//   WUS_KERNEL_THREADS=1 / WUS_WASM_RELAXED_SIMD=0 select one thread / the plain SIMD build.
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@wus/core';
import { kernelRuntime, wasmKernels } from '@wus/kernels-wasm';

const withOnednn = process.argv.includes('--onednn');
const onednn = withOnednn ? await import('@wus/kernels-onednn') : undefined;
await selectBackend('wasm', { kernels: [wasmKernels] });
if (onednn !== undefined) console.log(`oneDNN ${onednn.loadAddon().info().version} (${onednn.loadAddon().info().isa}), OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY}`);
const rt = kernelRuntime();
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; wus kernels: ${rt.simd} build, ${rt.threads} threads`);
// [batch, height, width, in channels, kernel size, out channels]
const shapes = [[32, 32, 32, 64, 3, 64], [32, 16, 16, 128, 3, 128], [32, 8, 8, 256, 3, 256], [32, 4, 4, 512, 3, 512]];
const median = (fn) => {
  for (let i = 0; i < 2; i++) tf.dispose(fn());
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = fn();
    r.dataSync();
    times.push(performance.now() - t0);
    r.dispose();
  }
  return times.sort((a, b) => a - b)[2];
};
for (const [n, h, w, ci, k, co] of shapes) {
  const x = tf.randomNormal([n, h, w, ci]);
  const filter = tf.randomNormal([k, k, ci, co]);
  const dy = tf.randomNormal([n, h, w, co]);
  const gflop = (2 * n * h * w * k * k * ci * co) / 1e9;
  const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  for (const kernels of withOnednn ? ['wasm-simd', 'onednn'] : ['wasm-simd']) {
    if (kernels === 'onednn') onednn.registerOnednnKernels();
    else onednn?.unregisterOnednnKernels();
    const cols = [
      ['Conv2D', median(() => tf.conv2d(x, filter, 1, 'same'))],
      ['BackpropInput', median(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...conv, inputShape: [n, h, w, ci] }))],
      ['BackpropFilter', median(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [k, k, ci, co] }))],
    ];
    console.log(`${kernels.padEnd(9)} ${n}×${h}×${w}×${ci} k${k}→${co}: ` + cols.map(([name, ms]) => `${name} ${ms.toFixed(1)} ms ${(gflop / ms * 1e3).toFixed(1)} GFLOP/s`).join(' | '));
  }
  tf.dispose([x, filter, dy]);
}
