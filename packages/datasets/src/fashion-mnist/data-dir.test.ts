import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_FASHION_MNIST_DIR,
  DEBIAN_FASHION_MNIST_DIR,
  describeFashionMnistSource,
  resolveFashionMnistDir,
} from './data-dir.js';

const nothing = { env: {}, exists: () => false };

describe('resolveFashionMnistDir', () => {
  it('prefers the dataDir option, resolved to an absolute path', () => {
    const everything = { env: { WUS_DATA_DIR: '/env' }, exists: () => true };
    expect(resolveFashionMnistDir('rel/dir', everything)).toEqual({ dir: resolve('rel/dir'), origin: 'option' });
  });

  it('then $WUS_DATA_DIR (ignored when empty)', () => {
    expect(resolveFashionMnistDir(undefined, { env: { WUS_DATA_DIR: '/env' }, exists: () => true })).toEqual({
      dir: '/env',
      origin: 'env',
    });
    expect(resolveFashionMnistDir(undefined, { env: { WUS_DATA_DIR: '' }, exists: () => false }).origin).toBe('bundled');
  });

  it('then the Debian package directory when it exists', () => {
    const onlyDebian = { env: {}, exists: (p: string) => p === DEBIAN_FASHION_MNIST_DIR };
    expect(resolveFashionMnistDir(undefined, onlyDebian)).toEqual({ dir: DEBIAN_FASHION_MNIST_DIR, origin: 'debian' });
  });

  it('else the bundled subset, found next to the package whatever the working directory', () => {
    const r = resolveFashionMnistDir(undefined, nothing);
    expect(r).toEqual({ dir: BUNDLED_FASHION_MNIST_DIR, origin: 'bundled' });
    expect(BUNDLED_FASHION_MNIST_DIR).toBe(resolve(import.meta.dirname, '../../data/fashion-mnist-subset') + '/');
    expect(existsSync(join(BUNDLED_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))).toBe(true);
  });
});

describe('describeFashionMnistSource', () => {
  const counts = { train: 6000, test: 1000 };
  it.each([
    ['debian', DEBIAN_FASHION_MNIST_DIR, '/usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist)'],
    ['env', '/x', '/x ($WUS_DATA_DIR)'],
    ['option', '/y', '/y (data dir option)'],
    ['bundled', '/b', 'bundled subset: 6000 train / 1000 test (/b)'],
  ] as const)('%s', (origin, dir, want) => {
    expect(describeFashionMnistSource({ dir, origin }, counts)).toBe(want);
  });
});
