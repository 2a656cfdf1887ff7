import type { KernelPackage } from '@wus/core';
import { registerWusKernels, WASM_KERNELS_NAME, WUS_KERNEL_BACKENDS } from './register.js';

/**
 * The WebAssembly SIMD kernels as a kernel package: what the application hands to core's
 * `selectBackend`. They run on tfjs's wasm backend (in place on its heap) and on the cpu backend
 * (through the kernel runtime's own memory), on every core (`WUS_KERNEL_THREADS`).
 */
export const wasmKernels: KernelPackage = {
  name: WASM_KERNELS_NAME,
  backends: WUS_KERNEL_BACKENDS,
  register: async () => void (await registerWusKernels()),
};
