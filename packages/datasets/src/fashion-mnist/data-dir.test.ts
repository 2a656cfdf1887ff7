import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_FASHION_MNIST_DIR,
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  describeFashionMnistSource,
  fashionMnistHowToFix,
  resolveFashionMnistDir,
} from './data-dir.js';
import { loadFashionMnist } from './plugin.js';

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

describe('fashionMnistHowToFix: advice that fits what is installed', () => {
  const debianFiles = new Set(FASHION_MNIST_FILES.map((f) => join(DEBIAN_FASHION_MNIST_DIR, `${f}.gz`)));
  const installed = { env: {}, exists: (p: string) => p === DEBIAN_FASHION_MNIST_DIR || debianFiles.has(p) };

  it('a wrong --data-dir with the Debian package installed: leave it out, never "install"', () => {
    const hint = fashionMnistHowToFix({ dir: '/nope', origin: 'option' }, installed);
    expect(hint).toMatch(/^Point --data-dir at a directory with the four Fashion-MNIST IDX files .*, or leave out --data-dir to use the full set Debian's dataset-fashion-mnist installed in \/usr\/share\/datasets\/fashion-mnist\.$/);
    expect(hint).not.toMatch(/apt-get/);
  });

  it('without it: the bundled subset, or how to install the full set', () => {
    expect(fashionMnistHowToFix({ dir: '/nope', origin: 'option' }, nothing)).toMatch(/leave out --data-dir to use the bundled 6000-image subset, or install the full set \(as root: apt-get install dataset-fashion-mnist\)/);
    expect(fashionMnistHowToFix({ dir: '/nope', origin: 'env' }, nothing)).toMatch(/^Point \$WUS_DATA_DIR at .*unset WUS_DATA_DIR to use the bundled/);
  });

  it('a Debian directory without its files is reported incomplete, to reinstall', () => {
    const emptyDir = { env: {}, exists: (p: string) => p === DEBIAN_FASHION_MNIST_DIR };
    expect(fashionMnistHowToFix({ dir: DEBIAN_FASHION_MNIST_DIR, origin: 'debian' }, emptyDir)).toMatch(/is incomplete: reinstall it \(as root: apt-get install --reinstall dataset-fashion-mnist\)/);
  });

  it('is what a missing data directory reports', async () => {
    await expect(loadFashionMnist({ dataDir: '/nonexistent/fmnist' }, installed)).rejects.toThrow(/^\/nonexistent\/fmnist: data directory not found\. Point --data-dir at .*leave out --data-dir to use the full set/);
  });
});
