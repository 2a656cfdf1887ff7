// Shared vitest settings: resolve workspace packages to their TypeScript sources (the
// "source" export condition) so tests never depend on a stale build, and write a JSON report
// per project that tools/test-summary.mjs adds up for CI.
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

export const sharedConfig = defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', '*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every temp directory a test makes lives in one folder per run, removed at the end.
    globalSetup: [join(root, 'tools/test-tmpdir.mjs')],
    // WUS_TEST_REPORT_SUFFIX names a second run of one project (core's plain-SIMD kernel run).
    reporters: ['default', ['json', { outputFile: join(root, '.test-results', `${basename(process.cwd())}${process.env['WUS_TEST_REPORT_SUFFIX'] ?? ''}.json`) }]],
  },
});
