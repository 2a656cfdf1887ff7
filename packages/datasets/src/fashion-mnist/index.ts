export * from './data-dir.js';
export * from './plugin.js';
