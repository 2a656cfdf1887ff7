export * from './hold-out.js';
