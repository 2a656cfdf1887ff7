export * from './callback.js';
