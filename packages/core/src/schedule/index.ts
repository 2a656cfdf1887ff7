export * from './lr-scheduler.js';
