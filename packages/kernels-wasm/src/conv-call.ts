import type * as tf from '@tensorflow/tfjs-core';
import { P } from './conv-params.js';
import type { KernelEntry, KernelRuntime, ScratchEntry } from './runtime.js';

/**
 * Writes the parameter block, sizes and allocates each thread's scratch (the C side says how
 * much), and runs `entry` on up to `threads` threads; returns the mask of those that took part.
 */
export function runConv(rt: KernelRuntime, entry: KernelEntry, scratch: ScratchEntry, words: number[], threads: number): number {
  const params = rt.params(words);
  const floats = rt.scratchFloats(scratch, params);
  const stride = Math.ceil((floats * 4) / 64) * 64;
  const base = rt.alloc(stride * threads);
  const view = rt.i32(params, words.length);
  view[P.SCRATCH] = base;
  view[P.SCRATCH_STRIDE] = stride;
  view[P.COUNTER] = 0;
  return rt.run(entry, params, threads);
}

export function assertShape(what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
    throw new Error(`wus kernels: ${what} has shape [${got.join(', ')}], expected [${want.join(', ')}]`);
  }
}

export type Backend = tf.KernelBackend;
