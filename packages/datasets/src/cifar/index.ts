export * from './cifar-format.js';
export * from './class-names.js';
export * from './load-cifar.js';
export * from './options.js';
export * from './plugin.js';
export * from './read-cifar.js';
