export * from './idx-format.js';
export * from './labeled-images.js';
export * from './locate.js';
export * from './read-idx.js';
