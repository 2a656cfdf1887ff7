import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@wus/core';
import { onednnKernels, loadAddon } from '@wus/kernels-onednn';
await selectBackend('cpu', { kernels: [onednnKernels] });
const shapes = [[32, 32, 32, 64, 3, 64], [32, 16, 16, 128, 3, 128], [32, 8, 8, 256, 3, 256], [32, 4, 4, 512, 3, 512], [32, 32, 32, 3, 3, 64], [64, 28, 28, 1, 5, 6], [64, 12, 12, 6, 5, 16]];
const median = (fn) => { for (let i = 0; i < 2; i++) tf.dispose(fn()); const t = []; for (let i = 0; i < 5; i++) { const t0 = performance.now(); const r = fn(); r.dataSync(); t.push(performance.now() - t0); r.dispose(); } return t.sort((a, b) => a - b)[2]; };
const out = [];
for (const [n, h, w, ci, k, co] of shapes) {
    const x = tf.randomNormal([n, h, w, ci]); const filter = tf.randomNormal([k, k, ci, co]); const dy = tf.randomNormal([n, h, w, co]);
    const gflop = (2 * n * h * w * k * k * ci * co) / 1e9;
    const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
    const cols = [['F', median(() => tf.conv2d(x, filter, 1, 'same'))], ['dX', median(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...conv, inputShape: [n, h, w, ci] }))], ['dW', median(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [k, k, ci, co] }))]];
    tf.dispose([x, filter, dy]);
  const words = Int32Array.from([n, h, w, ci, h, w, co, k, k, 1, 1, 1, 1, (k - 1) >> 1, (k - 1) >> 1]);
  const a = loadAddon();
  out.push(`${n}×${h}×${w}×${ci} k${k}→${co}: ` + cols.map(([nm, ms]) => `${nm} ${(gflop / ms * 1e3).toFixed(0)}`).join(' ') + `  ${a.convImpl('forward', words)}/${a.convImpl('input', words)}/${a.convImpl('filter', words)}`);
}
console.log(process.env.WUS_ONEDNN_LAYOUT ?? 'nhwc'); console.log(out.join('\n'));
