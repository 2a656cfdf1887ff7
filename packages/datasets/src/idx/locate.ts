import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '@wus/core';

/** Throws a DatasetError naming `dir` and how to get the data when it is not a readable directory. */
export async function assertDataDir(dir: string, howToFix: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new DatasetError(`data directory not found. ${howToFix}`, dir);
  if (!info.isDirectory()) throw new DatasetError(`not a directory. ${howToFix}`, dir);
}

/**
 * The path of `baseName` in `dir`, gzip-named (`.gz`) or raw; the content, not the name, later
 * decides whether it is decompressed.
 */
export async function locateIdxFile(dir: string, baseName: string, howToFix: string): Promise<string> {
  for (const name of [`${baseName}.gz`, baseName]) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return path;
  }
  throw new DatasetError(
    `file not found: expected ${baseName}.gz or ${baseName} in ${dir}. ${howToFix}`,
    join(dir, `${baseName}(.gz)`),
  );
}
