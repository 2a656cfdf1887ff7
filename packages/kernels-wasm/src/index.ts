/**
 * @wus/kernels-wasm — WebAssembly SIMD training kernels for tfjs's wasm and cpu backends
 * (source: tools/wasm-kernels/src/kernels.c): convolutions and their gradients, BatchMatMul,
 * max-pool gradient, reductions, bias add, and core's fused ops (BatchNorm, ReLU gradient,
 * SGD/Adam updates). The application passes `wasmKernels` to `selectBackend`.
 */
export { wasmKernels } from './package.js';
export { isWusKernel, registerWusKernels, stockKernel, unregisterWusKernels, WASM_KERNELS_NAME, WUS_KERNEL_BACKENDS, WUS_KERNELS, type RegisterOptions, type WusKernel } from './register.js';
export { defaultKernelThreads, initKernelRuntime, kernelRuntime, KernelRuntime } from './runtime.js';
