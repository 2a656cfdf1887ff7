export * from './options.js';
export * from './plugin.js';
export * from './registry.js';
export * from './spec-schema.js';
