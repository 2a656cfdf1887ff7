export * from './memory-split.js';
