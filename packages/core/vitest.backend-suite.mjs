// Core's backend-sensitive tests (skip steps and kernel counts, optimizer state, the trainer,
// composite layers…), unchanged, as another backend or kernel package runs them on itself: the
// vitest config for them, given the setup file that puts that backend or package in place.
// Used by tools/native-backend and packages/kernels-onednn.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export const BACKEND_SENSITIVE_TESTS = [
  'src/trainer/skip-step.test.ts',
  'src/optim/optimizer-state.test.ts',
  'src/trainer/trainer.test.ts',
  'src/nn/composite.test.ts',
];

export function coreBackendSuite({ setupFile, include = BACKEND_SENSITIVE_TESTS }) {
  return defineConfig({
    root: dirname(fileURLToPath(import.meta.url)),
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
    test: { include, setupFiles: [setupFile], testTimeout: 120_000, pool: 'forks' },
  });
}
