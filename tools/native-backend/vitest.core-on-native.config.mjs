// Core's backend-sensitive tests on the native TensorFlow backend (after `npm run setup:native`):
//   npx vitest run --config tools/native-backend/vitest.core-on-native.config.mjs
// The tests are core's own files, unchanged; force-native-backend.mjs redirects their
// selectBackend('cpu' | 'wasm') calls to tfjs-node (WUS_NATIVE_BACKEND=tfjs-node-gpu for the GPU one).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreBackendSuite } from '../../packages/core/vitest.backend-suite.mjs';

export default coreBackendSuite({ setupFile: join(dirname(fileURLToPath(import.meta.url)), 'force-native-backend.mjs') });
