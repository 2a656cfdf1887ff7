import type * as tf from '@tensorflow/tfjs-core';

/**
 * The seam through which a kernel package (WebAssembly SIMD, native oneDNN…) plugs its kernels
 * into tfjs. Core knows no kernel package: the application hands the ones it has to
 * `selectBackend`, which registers them before choosing a backend.
 */
export interface KernelPackage {
  /** Short name, printed with the backend choice (`wasm-simd`, `onednn`). */
  readonly name: string;
  /** tfjs backends its kernels are registered for. */
  readonly backends: readonly string[];
  /**
   * Registers its kernels (and gradients) into tfjs; idempotent. Rejects, with a reason a user
   * can act on, when it cannot run on this machine — the stock kernels then stay.
   */
  register(): Promise<void>;
}

/** What a registered kernel function is: whose, and what it does cheaply. */
export interface KernelTraits {
  /** The kernel package it comes from. */
  readonly owner: string;
  /** A `BatchMatMul` that takes transposed operands as cheaply as plain ones. */
  readonly transposesFree?: boolean;
  /** A `Conv2DBackpropInput`/`Filter` that takes a `dilations` attribute (tfjs's refuse dilation). */
  readonly dilations?: boolean;
}

const traits = new WeakMap<tf.KernelFunc, KernelTraits>();

/** Kernel packages mark the functions they register (the FLOP counter's wrappers inherit it). */
export function markKernel(func: tf.KernelFunc, t: KernelTraits): void {
  traits.set(func, t);
}

/** What is known of a registered kernel function (undefined: tfjs's own). */
export function traitsOf(func: tf.KernelFunc): KernelTraits | undefined {
  return traits.get(func);
}
