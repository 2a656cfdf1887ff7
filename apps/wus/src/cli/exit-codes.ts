import { WusError, type WusErrorCode } from '@wus/core';

/** Stable exit codes so scripts can tell a typo from a missing file from a crash. */
export const EXIT_CODES: Record<WusErrorCode | 'USAGE' | 'INTERNAL', number> = {
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 2,
  PLUGIN: 2,
  DATASET: 3,
  BACKEND: 4,
  STORE: 5,
  TRAINING: 6,
};

export function exitCodeOf(error: unknown): number {
  return error instanceof WusError ? EXIT_CODES[error.code] : EXIT_CODES.INTERNAL;
}

/** One line for known errors; the stack only for bugs (or with WUS_DEBUG=1). */
export function describeError(error: unknown): string {
  if (error instanceof WusError && process.env['WUS_DEBUG'] !== '1') return `wus: error: ${error.message}`;
  return `wus: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
