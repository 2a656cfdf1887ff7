import * as tf from '@tensorflow/tfjs-core';
import { markKernel, traitsOf, type KernelTraits } from '@wus/core';
import { loadAddon, type OnednnAddon } from './addon.js';
import { batchMatMul } from './batch-mat-mul.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv2d.js';
import { rememberReplaced, takeReplaced } from './replaced.js';

/** This package's name, as kernels are marked (`KernelTraits.owner`) and choices are reported. */
export const ONEDNN_KERNELS_NAME = 'onednn';

/** The tfjs backends whose kernels ours replace: the addon reads their tensors in place (io.ts). */
export const ONEDNN_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

const KERNELS: readonly { name: string; func: tf.KernelFunc; traits?: Omit<KernelTraits, 'owner'> }[] = [
  { name: tf.Conv2D, func: conv2d },
  { name: tf.Conv2DBackpropInput, func: conv2dBackpropInput, traits: { dilations: true } },
  { name: tf.Conv2DBackpropFilter, func: conv2dBackpropFilter, traits: { dilations: true } },
  { name: tf.BatchMatMul, func: batchMatMul, traits: { transposesFree: true } },
];

/** The names of the kernels this package provides. */
export const ONEDNN_KERNELS: readonly string[] = KERNELS.map((k) => k.name);

const isOurs = (func: tf.KernelFunc) => traitsOf(func)?.owner === ONEDNN_KERNELS_NAME;

/**
 * Loads the addon (throws, with what to do, where it cannot run: core then keeps the kernels in
 * place) and registers our kernels for the wasm and cpu backends over whatever was there. Idempotent.
 */
export function registerOnednnKernels(): OnednnAddon {
  const addon = loadAddon();
  for (const backend of ONEDNN_KERNEL_BACKENDS) {
    for (const k of KERNELS) {
      const current = tf.getKernel(k.name, backend);
      if (current !== undefined && isOurs(current.kernelFunc)) continue;
      rememberReplaced(backend, k.name, current);
      if (current !== undefined) tf.unregisterKernel(k.name, backend);
      markKernel(k.func, { owner: ONEDNN_KERNELS_NAME, ...k.traits });
      tf.registerKernel({ kernelName: k.name, backendName: backend, kernelFunc: k.func });
    }
  }
  return addon;
}

/** Puts back the kernels ours replaced (tests and benches compare with them). */
export function unregisterOnednnKernels(): void {
  for (const backend of ONEDNN_KERNEL_BACKENDS) {
    for (const k of KERNELS) {
      const previous = takeReplaced(backend, k.name);
      if (!previous.has) continue;
      const current = tf.getKernel(k.name, backend);
      if (current !== undefined && isOurs(current.kernelFunc)) tf.unregisterKernel(k.name, backend);
      if (previous.config === undefined) continue;
      tf.registerKernel(previous.config);
      // tfjs runs a kernel's setup (wasm: binding its C function) when the backend starts; ours
      // was registered then, so run tfjs's now if the backend is already up.
      const instance = tf.findBackend(backend);
      if (instance !== null) previous.config.setupFunc?.(instance);
    }
  }
}
