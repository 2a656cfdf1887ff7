export * from './context.js';
export * from './records.js';
