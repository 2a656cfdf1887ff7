// Core's backend-sensitive tests (skip steps and kernel counts, layer plans, optimizer state, the
// trainer, composite layers) on the oneDNN kernels, after `npm run setup:onednn`:
//   npx vitest run --config packages/kernels-onednn/vitest.core-on-onednn.config.mjs
// The tests are core's own files, unchanged; src/test-support/force-onednn.mjs registers this
// package first and fails every test after which its kernels are not the ones in place.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_SENSITIVE_TESTS, coreBackendSuite } from '../core/vitest.backend-suite.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export default coreBackendSuite({
  setupFile: join(here, 'src', 'test-support', 'force-onednn.mjs'),
  include: [...BACKEND_SENSITIVE_TESTS, 'src/trainer/layer-plans.test.ts'],
});
