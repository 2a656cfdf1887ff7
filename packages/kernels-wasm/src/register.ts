import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, RELU_GRAD, SGD_UPDATE, markKernel, traitsOf, type KernelTraits } from '@wus/core';
import { addKernel } from './add.js';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { batchNormTrainGradKernel, batchNormTrainKernel } from './batch-norm.js';
import { conv2dKernel } from './conv2d.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { castKernel, identityKernel } from './identity.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { meanKernel, sumKernel } from './reduce.js';
import { reluGradKernel } from './relu-grad.js';
import { initKernelRuntime, type KernelRuntime } from './runtime.js';
import { adamUpdateKernel, sgdUpdateKernel } from './optimizer-update.js';
import { forgetStock, hasRememberedStock, rememberStock } from './stock.js';

/** This package's name, as kernels are marked (`KernelTraits.owner`) and choices are reported. */
export const WASM_KERNELS_NAME = 'wasm-simd';

export { stockKernel } from './stock.js';

/** Backends whose stock kernels ours replace or complete. */
export const WUS_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

export interface WusKernel {
  readonly name: string;
  readonly config: (backend: string) => tf.KernelConfig;
  /** Backends it is registered for (default: all of WUS_KERNEL_BACKENDS). */
  readonly backends?: readonly string[];
  /** What core's gradients may rely on (beyond `owner`). */
  readonly traits?: Omit<KernelTraits, 'owner'>;
}

/** The tfjs kernels this package provides. */
export const WUS_KERNELS: readonly WusKernel[] = [
  // WebAssembly SIMD, multi-threaded (tools/wasm-kernels/src/kernels.c).
  { name: 'Conv2D', config: conv2dKernel },
  { name: 'Conv2DBackpropInput', config: conv2dBackpropInputKernel, traits: { dilations: true } },
  { name: 'Conv2DBackpropFilter', config: conv2dBackpropFilterKernel, traits: { dilations: true } },
  { name: 'MaxPoolGrad', config: maxPoolGradKernel },
  { name: 'BatchMatMul', config: batchMatMulKernel, traits: { transposesFree: true } },
  // Memory-bound, one thread, in place on the wasm backend's own memory.
  { name: 'Sum', config: sumKernel },
  { name: 'Add', config: addKernel },
  { name: 'Mean', config: meanKernel },
  { name: RELU_GRAD, config: reluGradKernel },
  { name: BATCH_NORM_TRAIN, config: batchNormTrainKernel },
  { name: BATCH_NORM_TRAIN_GRAD, config: batchNormTrainGradKernel },
  { name: SGD_UPDATE, config: sgdUpdateKernel },
  { name: ADAM_UPDATE, config: adamUpdateKernel },
  { name: 'Identity', config: identityKernel, backends: ['wasm'] },
  { name: 'Cast', config: castKernel, backends: ['wasm'] },
];

export interface RegisterOptions {
  readonly backends?: readonly string[];
  /** Threads of the kernel runtime (default `WUS_KERNEL_THREADS`, else all cores, at most 8). */
  readonly threads?: number;
}

const isOurs = (func: tf.KernelFunc) => traitsOf(func)?.owner === WASM_KERNELS_NAME;

/**
 * Registers our kernels for the wasm and cpu backends (replacing tfjs's where it has one, adding
 * Conv2DBackpropFilter to wasm, which lacks it), after starting the kernel runtime, each marked
 * with its traits for core's gradients (which core installs). Idempotent; `wasmKernels.register`. The replaced configs are kept (`stockKernel`):
 * our kernels hand the cases they do not cover to them, tests and benches compare with them.
 */
export async function registerWusKernels(options: RegisterOptions = {}): Promise<KernelRuntime> {
  const rt = await initKernelRuntime(options.threads);
  for (const backend of options.backends ?? WUS_KERNEL_BACKENDS) {
    for (const k of WUS_KERNELS) {
      if (k.backends !== undefined && !k.backends.includes(backend)) continue;
      const current = tf.getKernel(k.name, backend);
      if (current !== undefined && isOurs(current.kernelFunc)) continue;
      rememberStock(k.name, backend, current);
      if (current !== undefined) tf.unregisterKernel(k.name, backend);
      const config = k.config(backend);
      markKernel(config.kernelFunc, { owner: WASM_KERNELS_NAME, ...k.traits });
      tf.registerKernel(config);
    }
  }
  return rt;
}

/** Puts tfjs's own kernels back on `backends` (or removes ours where tfjs had none). */
export function unregisterWusKernels(backends: readonly string[] = WUS_KERNEL_BACKENDS): void {
  for (const backend of backends) {
    for (const k of WUS_KERNELS) {
      if (!hasRememberedStock(k.name, backend)) continue;
      const current = tf.getKernel(k.name, backend);
      if (current !== undefined) tf.unregisterKernel(k.name, backend);
      const stock = forgetStock(k.name, backend);
      if (stock === undefined) continue;
      tf.registerKernel(stock);
      // tfjs runs a kernel's setup (wasm: binding its C function) when the backend starts; ours
      // was registered then, so run tfjs's now if the backend is already up.
      const instance = tf.findBackend(backend);
      if (instance !== null) stock.setupFunc?.(instance);
    }
  }
}

/** Whether `kernel` on `backend` is currently one of ours. */
export function isWusKernel(kernel: string, backend: string): boolean {
  const k = tf.getKernel(kernel, backend);
  return k !== undefined && isOurs(k.kernelFunc);
}
