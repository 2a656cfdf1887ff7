import { execFileSync } from 'node:child_process';

/** The commit the code runs from, for the `git.commit` tag; "unknown" outside a checkout. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
