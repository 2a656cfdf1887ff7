/**
 * @wus/kernels-onednn — native CPU training kernels on oneDNN 3.2 for tfjs's cpu backend
 * (Conv2D, its two gradients, BatchMatMul), built by `npm run setup:onednn`. The application
 * passes `onednnKernels` to `selectBackend`.
 */
export { ADDON_PATH, loadAddon, type OnednnAddon } from './addon.js';
export { onednnKernels } from './package.js';
export { ONEDNN_KERNEL_BACKENDS, ONEDNN_KERNELS, ONEDNN_KERNELS_NAME, registerOnednnKernels, unregisterOnednnKernels } from './register.js';
