export * from './update-plan.js';
