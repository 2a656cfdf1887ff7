export * from './augmentation.js';
export * from './byte-image-split.js';
