// vitest setup file of vitest.core-on-onednn.config.mjs: core's tests, unchanged, on the oneDNN
// kernels. Every selectBackend('cpu' | 'wasm') of a test also registers this package, and fails
// loudly unless the convolution and matrix kernels then running are oneDNN's.
import * as tf from '@tensorflow/tfjs-core';
import { vi } from 'vitest';

vi.mock(import('../../../core/src/backend/backend.ts'), async (importOriginal) => {
  const actual = await importOriginal();
  const { onednnKernels } = await import('../package.ts');
  const { traitsOf } = await import('../../../core/src/kernels/kernel-package.ts');
  return {
    ...actual,
    selectBackend: async (requested, options = {}) => {
      const choice = await actual.selectBackend(requested, { ...options, kernels: [...(options.kernels ?? []), onednnKernels] });
      for (const k of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul']) {
        const owner = traitsOf(tf.getKernel(k, tf.getBackend())?.kernelFunc ?? (() => undefined))?.owner;
        if (owner !== 'onednn') throw new Error(`force-onednn: ${k} on ${tf.getBackend()} is not oneDNN's (${owner ?? "tfjs's"}): ${choice.reason}`);
      }
      return choice;
    },
  };
});
