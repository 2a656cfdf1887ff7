/** Fixture writers for tests (`@wus/datasets/testing`): real on-disk formats, tiny sizes. */
export * from './cifar-fixture.js';
