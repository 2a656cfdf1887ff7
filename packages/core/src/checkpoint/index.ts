export * from './checkpoint.js';
export * from './codec.js';
export * from './stateful.js';
