import { z } from 'zod';
import { int64 } from '../rest/json.js';

export interface FileInfo {
  /** Relative to the run's artifact root, `/`-separated. */
  readonly path: string;
  readonly isDir: boolean;
  /** Bytes; undefined for directories. */
  readonly fileSize: number | undefined;
}

export const fileInfoSchema = z
  .object({ path: z.string(), is_dir: z.boolean().optional(), file_size: int64.optional() })
  .transform((f): FileInfo => ({ path: f.path, isDir: f.is_dir ?? false, fileSize: f.file_size }));
