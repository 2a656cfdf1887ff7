export * from './dataset.js';
export * from './fingerprint.js';
