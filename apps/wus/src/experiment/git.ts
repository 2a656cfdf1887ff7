import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the CLI's own files (dist/ or src/), whatever the working directory. */
export const CODE_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * The commit of the code that runs: `git rev-parse HEAD` in the repository the CLI's files live
 * in (not the working directory, which may be another checkout or none); undefined outside a
 * checkout (an installed package).
 */
export function gitCommit(dir: string = CODE_DIR): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
