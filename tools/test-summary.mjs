#!/usr/bin/env node
// Adds up the per-project vitest JSON reports (.test-results/*.json) into one closing line,
// "N passed, N failed, N skipped", so CI logs state what ran across the whole workspace.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', '.test-results');
let passed = 0;
let failed = 0;
let skipped = 0;
let files = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
  const r = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  files++;
}
if (files === 0) {
  console.error('no test reports found in .test-results: did the tests run?');
  process.exit(1);
}
console.log(`test summary over ${files} projects:`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
