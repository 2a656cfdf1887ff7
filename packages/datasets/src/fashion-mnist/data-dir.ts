import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileCounts } from '../mnist-like/load-bundle.js';

/** Where the Debian package `dataset-fashion-mnist` installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Environment variable naming a data directory when no `dataDir` option is given. */
export const DATA_DIR_ENV = 'WUS_DATA_DIR';

/**
 * The subset shipped with this package. Resolved from this module's URL: `src/fashion-mnist/`
 * and `dist/fashion-mnist/` are both two levels below the package root.
 */
export const BUNDLED_FASHION_MNIST_DIR = fileURLToPath(new URL('../../data/fashion-mnist-subset/', import.meta.url));

/** Which rule of the resolution order picked the directory. */
export type DataDirOrigin = 'option' | 'env' | 'debian' | 'bundled';

export interface ResolvedDataDir {
  readonly dir: string;
  readonly origin: DataDirOrigin;
}

export interface ResolveContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Injected so tests can pretend the Debian package is (not) installed. */
  readonly exists?: (path: string) => boolean;
}

/**
 * Picks the Fashion-MNIST directory: the `dataDir` option, else `$WUS_DATA_DIR`, else the Debian
 * package's directory if installed, else the bundled subset — so a fresh checkout runs anywhere
 * while real experiments use the full set without flags.
 */
export function resolveFashionMnistDir(dataDir: string | undefined, context: ResolveContext = {}): ResolvedDataDir {
  const env = context.env ?? process.env;
  const exists = context.exists ?? existsSync;
  if (dataDir !== undefined) return { dir: resolve(dataDir), origin: 'option' };
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { dir: resolve(fromEnv), origin: 'env' };
  if (exists(DEBIAN_FASHION_MNIST_DIR)) return { dir: DEBIAN_FASHION_MNIST_DIR, origin: 'debian' };
  return { dir: BUNDLED_FASHION_MNIST_DIR, origin: 'bundled' };
}

/** The bundle's `source`: the directory and why it was chosen. */
export function describeFashionMnistSource(resolved: ResolvedDataDir, counts: FileCounts): string {
  switch (resolved.origin) {
    case 'option':
      return `${resolved.dir} (data dir option)`;
    case 'env':
      return `${resolved.dir} ($${DATA_DIR_ENV})`;
    case 'debian':
      return `${resolved.dir} (Debian dataset-fashion-mnist)`;
    case 'bundled':
      return `bundled subset: ${counts.train} train / ${counts.test} test (${resolved.dir})`;
  }
}

/** The four IDX files a Fashion-MNIST directory holds (each may be gzip-named `.gz`). */
export const FASHION_MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** Whether `dir` holds all four files, raw or gzip-named. */
export function hasFashionMnistFiles(dir: string, exists: (path: string) => boolean = existsSync): boolean {
  return FASHION_MNIST_FILES.every((f) => exists(join(dir, `${f}.gz`)) || exists(join(dir, f)));
}

/**
 * What to do when the chosen directory lacks the files, fitted to what is installed here: the
 * Debian package is only advised when its files are absent, and when they are present the fix
 * is to stop pointing elsewhere.
 */
export function fashionMnistHowToFix(resolved: ResolvedDataDir, context: ResolveContext = {}): string {
  const exists = context.exists ?? existsSync;
  const files = `a directory with the four Fashion-MNIST IDX files (${FASHION_MNIST_FILES.join(', ')}; each may end in .gz)`;
  const debianInstalled = hasFashionMnistFiles(DEBIAN_FASHION_MNIST_DIR, exists);
  switch (resolved.origin) {
    case 'option':
    case 'env': {
      const given = resolved.origin === 'option' ? '--data-dir' : `$${DATA_DIR_ENV}`;
      const drop = resolved.origin === 'option' ? 'leave out --data-dir' : `unset ${DATA_DIR_ENV}`;
      const fallback = debianInstalled
        ? `${drop} to use the full set Debian's dataset-fashion-mnist installed in ${DEBIAN_FASHION_MNIST_DIR}`
        : `${drop} to use the bundled 6000-image subset, or install the full set (as root: apt-get install dataset-fashion-mnist)`;
      return `Point ${given} at ${files}, or ${fallback}.`;
    }
    case 'debian':
      return `${DEBIAN_FASHION_MNIST_DIR} is incomplete: reinstall it (as root: apt-get install --reinstall dataset-fashion-mnist), or pass --data-dir naming ${files}.`;
    case 'bundled':
      return `The bundled subset is incomplete: restore it (git checkout -- packages/datasets/data), install the full set (as root: apt-get install dataset-fashion-mnist), or pass --data-dir naming ${files}.`;
  }
}
