/**
 * Retry policy of the REST layer, modelled on MLflow's Python client (mlflow/utils/request_utils.py):
 * transient statuses (408, 429, 500, 502, 503, 504) and connection errors are retried with
 * exponential back-off `backoffFactorMs · 2^n` plus up to `backoffJitterMs` of random jitter,
 * each wait capped at `maxBackoffMs`, at most `maxRetries` times. A `Retry-After` header on a
 * 429/503 is honoured (also capped).
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). At most MAX_RETRIES_LIMIT. */
  readonly maxRetries: number;
  /** First back-off; doubles on each retry. */
  readonly backoffFactorMs: number;
  /** Random extra wait in [0, backoffJitterMs) added to each back-off. */
  readonly backoffJitterMs: number;
  /** Ceiling of a single wait (back-off or Retry-After). */
  readonly maxBackoffMs: number;
  /** HTTP statuses that are retried. */
  readonly retryStatuses: readonly number[];
}

/** MLflow's `_TRANSIENT_FAILURE_RESPONSE_CODES`. */
export const TRANSIENT_STATUSES: readonly number[] = [408, 429, 500, 502, 503, 504];

/** MLflow's `_MLFLOW_HTTP_REQUEST_MAX_RETRIES_LIMIT`: the bound on `maxRetries`. */
export const MAX_RETRIES_LIMIT = 10;

/** MLflow's `_MLFLOW_HTTP_REQUEST_MAX_BACKOFF_FACTOR_LIMIT` (120 s): the bound on `backoffFactorMs`. */
export const MAX_BACKOFF_FACTOR_MS = 120_000;

/**
 * Defaults: 4 retries, 0.5 s doubling (0.5 + 1 + 2 + 4 s of back-off, plus jitter). Shorter
 * than the Python client's (7 retries, factor 2 s: minutes) on purpose: a training run must not
 * stall for minutes on a dead server — the tracking layer buffers to disk instead — and a wrong
 * URI should be reported within seconds. Raise it with MLFLOW_HTTP_REQUEST_MAX_RETRIES /
 * MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR for rate-limited servers.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  backoffFactorMs: 500,
  backoffJitterMs: 500,
  maxBackoffMs: 30_000,
  retryStatuses: TRANSIENT_STATUSES,
};

/** Wait before retry number `retry` (0 for the first retry). */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const exp = policy.backoffFactorMs * 2 ** retry;
  return Math.max(0, Math.min(policy.maxBackoffMs, exp + random() * policy.backoffJitterMs));
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds, or undefined. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
