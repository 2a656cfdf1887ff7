import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The native addon's functions (native/*.cc). Arrays are read and written in place. */
export interface OnednnAddon {
  info(): { version: string; isa: string; threads: number };
  setThreads(threads: number): void;
  conv2d(words: Int32Array, x: Float32Array, filter: Float32Array, y: Float32Array): void;
  conv2dBackpropInput(words: Int32Array, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  conv2dBackpropFilter(words: Int32Array, x: Float32Array, dy: Float32Array, dw: Float32Array): void;
  convImpl(kind: 'forward' | 'input' | 'filter', words: Int32Array): string;
  batchMatMul(words: Int32Array, a: Float32Array, b: Float32Array, c: Float32Array): void;
  matMulImpl(words: Int32Array): string;
}

/** Where `npm run setup:onednn` puts the addon (beside its libdnnl.so.3): the package's build/. */
export const ADDON_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'Release', 'wus_onednn.node');

/** ISAs below AVX2 (oneDNN runs there, on SSE4.1 code slower than our WebAssembly kernels). */
const TOO_OLD = new Set(['sse41', 'avx', 'other']);

let loaded: OnednnAddon | undefined;

/**
 * Loads the addon once; throws one line a user can act on when it cannot run here: not built, built
 * for another Node-API / libc / libstdc++ (an ABI mismatch after an upgrade), a CPU without AVX2.
 * `WUS_KERNEL_THREADS` sets its OpenMP threads (default: every core).
 */
export function loadAddon(): OnednnAddon {
  if (loaded !== undefined) return loaded;
  if (!existsSync(ADDON_PATH)) throw new Error('not built; `npm run setup:onednn` builds it');
  // oneDNN's OpenMP threads meet at a barrier after every kernel. GOMP's default there is to spin,
  // which on a machine with more runnable threads than cores (a shared 2-core VM, a test runner
  // beside us) starves the thread everyone waits for: LeNet-5's step measured 8× slower than with
  // sleeping waiters. Set before libgomp loads (it reads the variable once); a user's value wins.
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
  let addon: OnednnAddon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as OnednnAddon;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160);
    throw new Error(`the addon does not load (${msg}); rebuild it with \`npm run setup:onednn\``);
  }
  const { isa } = addon.info();
  if (TOO_OLD.has(isa)) throw new Error(`this CPU has no AVX2 (oneDNN sees ${isa})`);
  const threads = Number(process.env['WUS_KERNEL_THREADS'] ?? '');
  if (Number.isInteger(threads) && threads > 0) addon.setThreads(threads);
  return (loaded = addon);
}
