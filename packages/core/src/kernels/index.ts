export * from './flop-counter.js';
export * from './gradients.js';
export * from './kernel-package.js';
export * from './ops/batch-norm-train.js';
export * from './ops/optimizer-update.js';
export * from './ops/relu-grad.js';
export * from './conv-attrs.js';
