import { type DatasetCreateOptions, type DatasetPlugin, parseOptions } from '@wus/core';
import { CIFAR10_FORMAT, CIFAR100_FORMAT } from './cifar-format.js';
import { CIFAR100_COARSE_CLASS_NAMES, CIFAR100_FINE_CLASS_NAMES, CIFAR10_CLASS_NAMES } from './class-names.js';
import { type CifarBundle, type CifarSpec, loadCifar } from './load-cifar.js';
import { cifar100OptionsSchema, cifar10OptionsSchema } from './options.js';

/** Where the binary versions come from. */
export const CIFAR_HOME_PAGE = 'https://www.cs.toronto.edu/~kriz/cifar.html';

export const CIFAR10_SPEC: CifarSpec = {
  name: 'cifar10',
  format: CIFAR10_FORMAT,
  trainFiles: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  testFile: 'test_batch.bin',
  archiveFolder: 'cifar-10-batches-bin',
  howToFix:
    `Download the "CIFAR-10 binary version" (cifar-10-binary.tar.gz) from ${CIFAR_HOME_PAGE}, extract it and pass ` +
    '--data-dir <dir> naming the folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin (cifar-10-batches-bin) or its parent.',
};

export const CIFAR100_SPEC: CifarSpec = {
  name: 'cifar100',
  format: CIFAR100_FORMAT,
  trainFiles: ['train.bin'],
  testFile: 'test.bin',
  archiveFolder: 'cifar-100-binary',
  howToFix:
    `Download the "CIFAR-100 binary version" (cifar-100-binary.tar.gz) from ${CIFAR_HOME_PAGE}, extract it and pass ` +
    '--data-dir <dir> naming the folder with train.bin and test.bin (cifar-100-binary) or its parent.',
};

/** CIFAR-10 from the binary files; `options` as in the README (dataDir required). */
export async function loadCifar10(options: unknown): Promise<CifarBundle> {
  const o = parseOptions('dataset cifar10', cifar10OptionsSchema, options);
  return loadCifar(CIFAR10_SPEC, { ...o, labelField: 0, classNames: CIFAR10_CLASS_NAMES });
}

/** CIFAR-100 from the binary files; fine labels unless `labels: 'coarse'`. */
export async function loadCifar100(options: unknown): Promise<CifarBundle> {
  const o = parseOptions('dataset cifar100', cifar100OptionsSchema, options);
  const fine = o.labels === 'fine';
  return loadCifar(CIFAR100_SPEC, { ...o, labelField: fine ? 1 : 0, classNames: fine ? CIFAR100_FINE_CLASS_NAMES : CIFAR100_COARSE_CLASS_NAMES });
}

export const cifar10Plugin = {
  kind: 'dataset',
  name: 'cifar10',
  options: cifar10OptionsSchema,
  description: 'CIFAR-10 (binary version), 32×32×3 images, 10 classes; --data-dir required; per-channel normalisation, crop+flip augmentation',
  create(options: DatasetCreateOptions): Promise<CifarBundle> {
    return loadCifar10(options);
  },
} as const satisfies DatasetPlugin;

export const cifar100Plugin = {
  kind: 'dataset',
  name: 'cifar100',
  options: cifar100OptionsSchema,
  description: 'CIFAR-100 (binary version), 32×32×3 images, 100 fine classes (labels=coarse: 20); --data-dir required; crop+flip augmentation',
  create(options: DatasetCreateOptions): Promise<CifarBundle> {
    return loadCifar100(options);
  },
} as const satisfies DatasetPlugin;
