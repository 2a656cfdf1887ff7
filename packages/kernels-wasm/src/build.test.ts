import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUILD = resolve(import.meta.dirname, '../../../tools/wasm-kernels/build.sh');

function clangVersion(): string | undefined {
  try {
    return /clang version ([0-9.]+)/.exec(execFileSync('clang-19', ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}

describe('committed WebAssembly kernels', () => {
  // Building needs no clang: the binaries are committed. Where Debian's clang 19.1.7 (the version
  // they were built with; .ci/run installs it) is present, check that they are exactly what the C
  // source builds to.
  it.runIf(existsSync(BUILD) && clangVersion() === '19.1.7')('are what tools/wasm-kernels/src/kernels.c builds to', () => {
    expect(() => execFileSync('bash', [BUILD, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
