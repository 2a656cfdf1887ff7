// Core's backend-sensitive tests (skip steps and kernel counts, layer plans, optimizer state, the
// trainer, composite layers) on the oneDNN kernels, after `npm run setup:onednn`:
//   npx vitest run --config packages/kernels-onednn/vitest.core-on-onednn.config.mjs
// The tests are core's own files, unchanged; src/test-support/force-onednn.mjs registers this
// package first and fails every test after which its kernels are not the ones in place.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const here = dirname(fileURLToPath(import.meta.url));
const core = join(here, '..', 'core');

export default defineConfig({
  root: core,
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: [
      'src/trainer/skip-step.test.ts',
      'src/trainer/layer-plans.test.ts',
      'src/optim/optimizer-state.test.ts',
      'src/trainer/trainer.test.ts',
      'src/nn/composite.test.ts',
    ],
    setupFiles: [join(here, 'src', 'test-support', 'force-onednn.mjs')],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
