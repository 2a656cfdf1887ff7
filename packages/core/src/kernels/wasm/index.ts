export { conv2dGradConfig } from './conv2d-gradient.js';
export { reluGradConfig, RELU_GRAD } from './relu-grad.js';
export { isWusKernel, registerWusKernels, stockKernel, unregisterWusKernels, WUS_KERNEL_BACKENDS, WUS_KERNELS, type RegisterOptions, type WusKernel } from './register.js';
export { defaultKernelThreads, initKernelRuntime, kernelRuntime, KernelRuntime } from './runtime.js';
