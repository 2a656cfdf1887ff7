export * from './skip-policy.js';
