export * from './model.js';
export * from './structure.js';
