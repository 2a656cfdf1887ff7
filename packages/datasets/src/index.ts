/**
 * @wus/datasets — dataset plugins (Fashion-MNIST, MNIST, CIFAR-10, CIFAR-100) and the pieces they
 * are built from: IDX and CIFAR binary readers, a seeded hold-out split, in-memory splits (float
 * and byte images, the latter with per-batch normalisation and augmentation).
 */
import type { DatasetPlugin } from '@wus/core';
import { cifar100Plugin, cifar10Plugin } from './cifar/plugin.js';
import { fashionMnistPlugin } from './fashion-mnist/plugin.js';
import { mnistPlugin } from './mnist/plugin.js';

export * from './byte-split/index.js';
export * from './cifar/index.js';
export * from './fashion-mnist/index.js';
export * from './idx/index.js';
export * from './memory-split/index.js';
export * from './mnist/index.js';
export * from './mnist-like/index.js';
export * from './normalize/index.js';
export * from './pad/index.js';
export * from './split/index.js';

/** Every dataset plugin of this package, for registries that load a module's `plugins`. */
export const plugins: readonly DatasetPlugin[] = [fashionMnistPlugin, mnistPlugin, cifar10Plugin, cifar100Plugin];
