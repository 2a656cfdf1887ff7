import { MlflowClient, MlflowError, type MlflowClientOptions } from '@wus/mlflow-js';
import { TrackingServerError } from '../errors.js';
import type { LocalRunStore } from '../local-store.js';
import type { Tracker } from '../tracker.js';
import { trackingServerError } from './errors.js';
import { MlflowTracker, type MlflowTrackerEvent } from './mlflow-tracker.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * An MLflow client configured like MLflow's Python client (MLFLOW_TRACKING_URI,
 * MLFLOW_TRACKING_USERNAME / _PASSWORD, MLFLOW_TRACKING_TOKEN, MLFLOW_HTTP_REQUEST_*), with a
 * short retry policy (unless `quickRetries: false` or MLFLOW_HTTP_REQUEST_MAX_RETRIES says
 * otherwise): the tracker buffers locally, so waiting long on a dead server buys nothing. Bad settings become a
 * TrackingServerError (reason `server-config`).
 */
export function mlflowClientFromEnv(
  env: Env = process.env,
  overrides: MlflowClientOptions = {},
  options: { quickRetries?: boolean } = {},
): MlflowClient {
  const quick =
    (options.quickRetries ?? true) && env['MLFLOW_HTTP_REQUEST_MAX_RETRIES'] === undefined
      ? { retry: { maxRetries: 2, backoffFactorMs: 250, backoffJitterMs: 250 } }
      : {};
  const timeout = env['MLFLOW_HTTP_REQUEST_TIMEOUT'] === undefined ? { timeoutMs: 30_000 } : {};
  try {
    return new MlflowClient({ env, ...quick, ...timeout, ...overrides });
  } catch (e) {
    if (e instanceof MlflowError) {
      throw new TrackingServerError('server-config', `${e.message} (Unset MLFLOW_TRACKING_URI to use the local run store only.)`, {
        trackingUri: overrides.trackingUri ?? env['MLFLOW_TRACKING_URI'] ?? '',
        cause: e,
      });
    }
    throw trackingServerError(e, env['MLFLOW_TRACKING_URI'] ?? '', 'Configuring the MLflow client');
  }
}

/**
 * The tracker the environment asks for: without MLFLOW_TRACKING_URI the local run store
 * itself; with an http(s):// URI an MlflowTracker that journals to that store. It never
 * throws: with unusable settings (a `sqlite:` URI, half the credentials…) the tracker it
 * returns rejects `prepare`, `startRun` and `resumeRun` with the TrackingServerError (reason
 * `server-config`), so the problem surfaces before any work, in the command that needs a tracker,
 * and only there.
 */
export function trackerFromEnv(store: LocalRunStore, options: { env?: Env; onEvent?: (e: MlflowTrackerEvent) => void } = {}): Tracker {
  const env = options.env ?? process.env;
  const uri = env['MLFLOW_TRACKING_URI'];
  if (uri === undefined || uri.trim() === '') return store;
  let client: MlflowClient;
  try {
    client = mlflowClientFromEnv(env);
  } catch (e) {
    return { startRun: () => Promise.reject(e), resumeRun: () => Promise.reject(e), prepare: () => Promise.reject(e) };
  }
  return new MlflowTracker({ client, store, ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }) });
}
