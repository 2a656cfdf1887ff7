import {
  MlflowAuthError,
  MlflowConfigError,
  MlflowConnectionError,
  MlflowError,
  MlflowNotFoundError,
  MlflowProtocolError,
  MlflowRestError,
  MlflowTimeoutError,
} from '@wus/mlflow-js';
import { StoreError, TrackingServerError } from '../errors.js';

/** Worth waiting for: the server is down, overloaded or restarting. */
export function isTransient(e: unknown): boolean {
  return (
    e instanceof MlflowConnectionError ||
    e instanceof MlflowTimeoutError ||
    (e instanceof MlflowRestError && !(e instanceof MlflowAuthError) && e.retryable)
  );
}

/**
 * Wraps a failure to talk to MLflow in a TrackingServerError (a StoreError: the app's STORE
 * family) saying what was being done; store errors pass through unchanged.
 */
export function trackingServerError(e: unknown, trackingUri: string, doing: string, runId?: string): Error {
  if (e instanceof StoreError) return e;
  if (!(e instanceof MlflowError)) return e instanceof Error ? e : new Error(String(e));
  const opts = { trackingUri, errorCode: e.errorCode, cause: e, ...(runId === undefined ? {} : { runId }) };
  const msg = `${doing}: ${e.message}`;
  if (e instanceof MlflowConnectionError || e instanceof MlflowTimeoutError) return new TrackingServerError('server-unreachable', msg, opts);
  if (e instanceof MlflowAuthError) return new TrackingServerError('server-auth', msg, opts);
  if (e instanceof MlflowConfigError || e instanceof MlflowProtocolError) return new TrackingServerError('server-config', msg, opts);
  if (e instanceof MlflowNotFoundError && e.errorCode === 'ENDPOINT_NOT_FOUND') return new TrackingServerError('server-config', msg, opts);
  if (e instanceof MlflowRestError && e.retryable) return new TrackingServerError('server-unreachable', msg, opts);
  return new TrackingServerError('server-rejected', msg, opts);
}

/** Failures that no later attempt can fix for any run (credentials, not an MLflow server). */
export function isFatalForTracker(e: unknown): boolean {
  return e instanceof TrackingServerError && (e.reason === 'server-auth' || e.reason === 'server-config' || e.reason === 'experiment-deleted');
}
