export * from './matmul-gradient.js';
