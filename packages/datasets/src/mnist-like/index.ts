export * from './load-bundle.js';
export * from './options.js';
