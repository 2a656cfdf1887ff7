/**
 * @wus/core — the trainer, the plugin interfaces and the building blocks every plugin shares.
 * It names no policy, model, dataset or tracker.
 */
export * from './backend/index.js';
export * from './callbacks/index.js';
export * from './checkpoint/index.js';
export * from './data/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './kernels/index.js';
export * from './loss/index.js';
export * from './model/index.js';
export * as nn from './nn/index.js';
export * from './optim/index.js';
export * from './params/index.js';
export * from './plan/index.js';
export * from './plugins/index.js';
export * from './policy/index.js';
export * from './random/index.js';
export * from './schedule/index.js';
export * from './trainer/index.js';
