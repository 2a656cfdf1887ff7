export { conv2dGradConfig } from './conv2d-gradient.js';
export { reluGradConfig, RELU_GRAD } from './relu-grad.js';
export { isWusKernel, registerWusKernels, stockKernel, unregisterWusKernels, WUS_KERNEL_BACKENDS, WUS_KERNELS, type RegisterOptions, type WusKernel } from './register.js';
export { defaultKernelThreads, initKernelRuntime, kernelRuntime, KernelRuntime } from './runtime.js';
export { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, BATCH_NORM_MAX_CHANNELS, fusedBatchNormTrain } from './batch-norm.js';
export { ADAM_UPDATE, fusedAdamUpdate, fusedSgdUpdate, SGD_UPDATE, type AdamUpdateAttrs, type SgdUpdateAttrs } from './optimizer-update.js';
