export * from './pixel-statistics.js';
