import { CheckpointError, WusError, type WusErrorCode } from '@wus/core';
import { TrackingServerError } from '@wus/tracking';

/**
 * Stable exit codes so scripts can tell a typo from a missing file from a crash.
 * TRACKING_SERVER (7): the MLflow server is unreachable, refused the credentials, rejected a
 * run or has the experiment deleted — try again later or fix the server side; the local run
 * store is intact. A malformed MLFLOW_TRACKING_URI is a usage error (2). A checkpoint that
 * cannot be written (disk full) is a store problem (5); one that cannot be resumed (damaged,
 * of other data or another model) is bad input to `--resume` (2). QUEUE (8): the Redis of a
 * sweep's queue does not answer.
 */
export const EXIT_CODES: Record<WusErrorCode | 'USAGE' | 'INTERNAL' | 'TRACKING_SERVER', number> = {
  // 130 = 128 + SIGINT, as shells report a process ended by Ctrl-C.
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 2,
  PLUGIN: 2,
  DATASET: 3,
  BACKEND: 4,
  STORE: 5,
  TRAINING: 6,
  TRACKING_SERVER: 7,
  INTERRUPTED: 130,
  CHECKPOINT: 2,
  QUEUE: 8,
};

export function exitCodeOf(error: unknown): number {
  if (error instanceof TrackingServerError) return error.reason === 'server-config' ? EXIT_CODES.USAGE : EXIT_CODES.TRACKING_SERVER;
  if (error instanceof CheckpointError && error.reason === 'write') return EXIT_CODES.STORE;
  return error instanceof WusError ? EXIT_CODES[error.code] : EXIT_CODES.INTERNAL;
}

/** One line for known errors; the stack only for bugs, and for every error with --debug (WUS_DEBUG=1). */
export function describeError(error: unknown): string {
  const debug = process.env['WUS_DEBUG'] === '1';
  if (error instanceof WusError) return debug ? `wus: error: ${error.stack ?? error.message}` : `wus: error: ${error.message}`;
  return `wus: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
