/** Test support shared by the workspace's packages: small data and a simulated policy loop. */
export * from './array-split.js';
export * from './simulate.js';
export * from './scripted-model.js';
export * from './tiny-convnet.js';
export * from './plan-steps.js';
export * from './kernel-reference.js';
