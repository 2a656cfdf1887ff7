// vitest setup file of vitest.core-on-onednn.config.mjs: core's tests, unchanged, on the oneDNN
// kernels. They are registered for the wasm and cpu backends before the tests run (registration
// lasts: core knows no kernel package and removes none); after each test the convolution and
// matrix kernels of the backend it ran on must be oneDNN's, or the test fails.
import * as tf from '@tensorflow/tfjs-core';
import { traitsOf } from '@wus/core';
import { afterEach } from 'vitest';
import { registerOnednnKernels } from '../register.ts';

registerOnednnKernels();

afterEach(() => {
  const backend = tf.getBackend();
  for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul']) {
    const func = tf.getKernel(k, backend)?.kernelFunc;
    const owner = func === undefined ? undefined : traitsOf(func)?.owner;
    if (owner !== 'onednn') throw new Error(`force-onednn: ${k} on ${backend} is not oneDNN's (${owner ?? "tfjs's"})`);
  }
});
