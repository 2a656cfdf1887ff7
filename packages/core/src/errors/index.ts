export * from './errors.js';
export * from './explain.js';
