import { ConfigError, type DatasetCreateOptions, type DatasetPlugin } from '@wus/core';
import { resolve } from 'node:path';
import { type MnistLikeBundle, type MnistLikeSpec, loadMnistLikeBundle } from '../mnist-like/load-bundle.js';
import { mnistLikeOptionsSchema, parseMnistLikeOptions } from '../mnist-like/options.js';

export const MNIST_CLASS_NAMES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

const HOW_TO_FIX =
  'Pass --data-dir <dir> naming a directory with the four MNIST IDX files ' +
  '(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally .gz).';

const spec: MnistLikeSpec = { name: 'mnist', classNames: MNIST_CLASS_NAMES, howToFix: HOW_TO_FIX };

/** LeCun's handwritten digits. Same file format and loader as Fashion-MNIST, but nothing is bundled. */
export const mnistPlugin = {
  kind: 'dataset',
  name: 'mnist',
  options: mnistLikeOptionsSchema,
  description: 'MNIST handwritten digits, 28×28×1 images, 10 classes; reads IDX files from --data-dir (required)',
  async create(options: DatasetCreateOptions): Promise<MnistLikeBundle> {
    const opts = parseMnistLikeOptions('dataset mnist', options);
    if (opts.dataDir === undefined) {
      throw new ConfigError(`dataset mnist needs a data directory and has no default. ${HOW_TO_FIX}`);
    }
    const dir = resolve(opts.dataDir);
    return loadMnistLikeBundle(spec, dir, () => `${dir} (data dir option)`, opts);
  },
} as const satisfies DatasetPlugin;
