export * from './parameter.js';
