import type { KernelPackage } from '@wus/core';
import { ONEDNN_KERNEL_BACKENDS, ONEDNN_KERNELS_NAME, registerOnednnKernels } from './register.js';

/**
 * The oneDNN kernels as a kernel package: what the application hands to core's `selectBackend`,
 * after the WebAssembly one (ours then take the convolutions and matrix products of the cpu
 * backend; its memory-bound kernels stay). Registration rejects, saying why, where the addon is
 * not built or cannot run: the kernels already in place stay.
 */
export const onednnKernels: KernelPackage = {
  name: ONEDNN_KERNELS_NAME,
  backends: ONEDNN_KERNEL_BACKENDS,
  register: async () => void registerOnednnKernels(),
};
