/**
 * @wus/datasets — dataset plugins (Fashion-MNIST, MNIST) and the pieces they are built from: an
 * IDX reader, a seeded hold-out split and an in-memory LabeledSplit.
 */
import type { DatasetPlugin } from '@wus/core';
import { fashionMnistPlugin } from './fashion-mnist/plugin.js';
import { mnistPlugin } from './mnist/plugin.js';

export * from './fashion-mnist/index.js';
export * from './idx/index.js';
export * from './memory-split/index.js';
export * from './mnist/index.js';
export * from './mnist-like/index.js';
export * from './normalize/index.js';
export * from './split/index.js';

/** Every dataset plugin of this package, for registries that load a module's `plugins`. */
export const plugins: readonly DatasetPlugin[] = [fashionMnistPlugin, mnistPlugin];
