export * from './pad-images.js';
