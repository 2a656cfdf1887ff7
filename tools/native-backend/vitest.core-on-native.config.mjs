// Core's backend-sensitive tests on the native TensorFlow backend (after `npm run setup:native`):
//   npx vitest run --config tools/native-backend/vitest.core-on-native.config.mjs
// The tests are core's own files, unchanged; force-native-backend.mjs redirects their
// selectBackend('cpu' | 'wasm') calls to tfjs-node (WUS_NATIVE_BACKEND=tfjs-node-gpu for the GPU one).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const here = dirname(fileURLToPath(import.meta.url));
const core = join(here, '..', '..', 'packages', 'core');

export default defineConfig({
  root: core,
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: [
      'src/trainer/skip-step.test.ts',
      'src/optim/optimizer-state.test.ts',
      'src/trainer/trainer.test.ts',
      'src/nn/composite.test.ts',
    ],
    setupFiles: [join(here, 'force-native-backend.mjs')],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
