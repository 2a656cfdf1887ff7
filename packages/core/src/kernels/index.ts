export * from './flop-counter.js';
export * from './matmul-gradient.js';
export * from './wasm/index.js';
