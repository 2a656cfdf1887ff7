export * from './update-plan.js';
export * from './validate-plan.js';
