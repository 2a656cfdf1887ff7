export * from './activations.js';
export * from './batch-norm.js';
export * from './conv2d.js';
export * from './dense.js';
export * from './layer.js';
export * from './pooling.js';
export * from './sequential.js';
export * from './shape.js';
