export * from './channel-statistics.js';
export * from './pixel-statistics.js';
