import type { DatasetCreateOptions, DatasetPlugin } from '@wus/core';
import { type MnistLikeBundle, type MnistLikeSpec, loadMnistLikeBundle } from '../mnist-like/load-bundle.js';
import { mnistLikeOptionsSchema, parseMnistLikeOptions } from '../mnist-like/options.js';
import {
  DEBIAN_FASHION_MNIST_DIR,
  type ResolveContext,
  describeFashionMnistSource,
  fashionMnistHowToFix,
  resolveFashionMnistDir,
} from './data-dir.js';

export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);


/**
 * Validates `options`, resolves the data directory (see `resolveFashionMnistDir`) and loads the
 * bundle. `context` overrides the environment and file checks, for tests.
 */
export async function loadFashionMnist(options: unknown, context?: ResolveContext): Promise<MnistLikeBundle> {
  const opts = parseMnistLikeOptions('dataset fashion-mnist', options);
  const resolved = resolveFashionMnistDir(opts.dataDir, context);
  const spec: MnistLikeSpec = { name: 'fashion-mnist', classNames: FASHION_MNIST_CLASS_NAMES, howToFix: fashionMnistHowToFix(resolved, context) };
  return loadMnistLikeBundle(spec, resolved.dir, (counts) => describeFashionMnistSource(resolved, counts), opts);
}

/** Zalando's Fashion-MNIST: 28×28 greyscale clothing images in 10 classes. */
export const fashionMnistPlugin = {
  kind: 'dataset',
  name: 'fashion-mnist',
  options: mnistLikeOptionsSchema,
  description:
    'Fashion-MNIST (Zalando), 28×28×1 images, 10 classes; reads IDX files from --data-dir, $WUS_DATA_DIR, ' +
    `${DEBIAN_FASHION_MNIST_DIR} or the bundled 6000/1000 subset`,
  create(options: DatasetCreateOptions): Promise<MnistLikeBundle> {
    return loadFashionMnist(options);
  },
} as const satisfies DatasetPlugin;
