// vitest setup file: runs core's backend-sensitive tests on the native backend unchanged. Every
// selectBackend('cpu' | 'wasm') of a test activates WUS_NATIVE_BACKEND (default tfjs-node)
// instead, and fails loudly if that is not the 'tensorflow' backend. Used by
// vitest.core-on-native.config.mjs; see README.md.
import * as tf from '@tensorflow/tfjs-core';
import { vi } from 'vitest';

vi.mock(import('../../packages/core/src/backend/backend.ts'), async (importOriginal) => {
  const actual = await importOriginal();
  const target = process.env.WUS_NATIVE_BACKEND ?? 'tfjs-node';
  return {
    ...actual,
    selectBackend: async (requested, options) => {
      const choice = await actual.selectBackend(requested === 'cpu' || requested === 'wasm' ? target : requested, options);
      if ((requested === 'cpu' || requested === 'wasm') && tf.getBackend() !== 'tensorflow') {
        throw new Error(`force-native-backend: ${target} did not activate the tensorflow backend (got ${tf.getBackend()})`);
      }
      return choice;
    },
  };
});
