import { MlflowConfigError } from './errors.js';
import { DEFAULT_RETRY_POLICY, MAX_BACKOFF_FACTOR_MS, MAX_RETRIES_LIMIT, type RetryPolicy } from './retry.js';

/** How requests authenticate; as MLflow's Python client: basic wins over a token when both are set. */
export type MlflowAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

/** What the REST layer needs; build it with `resolveConfig` (explicit options over environment). */
export interface ResolvedConfig {
  /** `http(s)://host[:port][/prefix]`, no trailing slash, no user info. */
  readonly trackingUri: string;
  readonly auth: MlflowAuth;
  /** Per attempt. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export interface MlflowClientOptions {
  /** Default: MLFLOW_TRACKING_URI. Credentials in the URI (`http://user:pass@host`) become basic auth. */
  readonly trackingUri?: string;
  /** Default: MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD. */
  readonly username?: string;
  readonly password?: string;
  /** Default: MLFLOW_TRACKING_TOKEN (bearer). */
  readonly token?: string;
  /** Per-attempt timeout. Default: MLFLOW_HTTP_REQUEST_TIMEOUT (seconds) or 120 s, as MLflow. */
  readonly timeoutMs?: number;
  /** Overrides of the retry policy; environment: MLFLOW_HTTP_REQUEST_MAX_RETRIES, _BACKOFF_FACTOR, _BACKOFF_JITTER (seconds). */
  readonly retry?: Partial<RetryPolicy>;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Environment to read (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Injected for tests. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function envNumber(env: Readonly<Record<string, string | undefined>>, name: string, min: number, max: number): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new MlflowConfigError(`${name}=${JSON.stringify(raw)} is not a number between ${min} and ${max}.`);
  }
  return n;
}

/**
 * Checks and normalises a tracking URI. Only `http(s)://` servers are supported: this client
 * speaks MLflow's REST API, so file stores, `sqlite:` URIs and `databricks` are refused with a
 * message saying what to do.
 */
export function parseTrackingUri(uri: string): { url: string; username?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_URI "${redactUri(uri)}" is not a URL. Use the address of an MLflow tracking server, e.g. http://127.0.0.1:5000.`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new MlflowConfigError(
      `MLFLOW_TRACKING_URI "${redactUri(uri)}" uses "${parsed.protocol}": this client talks to an MLflow tracking ` +
        'server over HTTP(S) only. Start one (`mlflow server --backend-store-uri sqlite:///mlflow.db`) and use its ' +
        'http:// address.',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new MlflowConfigError(`MLFLOW_TRACKING_URI "${redactUri(uri)}" must not have a query string or fragment.`);
  }
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/+$/, '');
  return { url, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

/** The URI with any password replaced by `***` (for messages). */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, '$1:***@');
}

/** Explicit options first, then MLflow's environment variables, then defaults. */
export function resolveConfig(options: MlflowClientOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const rawUri = options.trackingUri ?? nonEmpty(env['MLFLOW_TRACKING_URI']);
  if (rawUri === undefined) {
    throw new MlflowConfigError(
      'No MLflow tracking URI: set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000) or pass trackingUri.',
    );
  }
  const { url, username: uriUser, password: uriPassword } = parseTrackingUri(rawUri);
  const username = options.username ?? uriUser ?? nonEmpty(env['MLFLOW_TRACKING_USERNAME']);
  const password = options.password ?? uriPassword ?? nonEmpty(env['MLFLOW_TRACKING_PASSWORD']);
  const token = options.token ?? nonEmpty(env['MLFLOW_TRACKING_TOKEN']);
  let auth: MlflowAuth = { kind: 'none' };
  if (username !== undefined || password !== undefined) {
    if (username === undefined || password === undefined) {
      throw new MlflowConfigError(
        'Basic auth needs both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD; only ' +
          `${username === undefined ? 'the password' : 'the username'} is set.`,
      );
    }
    auth = { kind: 'basic', username, password };
  } else if (token !== undefined) {
    auth = { kind: 'bearer', token };
  }

  const envTimeout = envNumber(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', 0.001, 86_400);
  const timeoutMs = options.timeoutMs ?? (envTimeout === undefined ? DEFAULT_TIMEOUT_MS : envTimeout * 1000);
  if (!(timeoutMs > 0)) throw new MlflowConfigError(`timeoutMs must be positive, got ${timeoutMs}.`);

  const envRetries = envNumber(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 0, MAX_RETRIES_LIMIT);
  const envFactor = envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 0, MAX_BACKOFF_FACTOR_MS / 1000);
  const envJitter = envNumber(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 0, 3600);
  const retry: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...(envRetries === undefined ? {} : { maxRetries: Math.floor(envRetries) }),
    ...(envFactor === undefined ? {} : { backoffFactorMs: envFactor * 1000 }),
    ...(envJitter === undefined ? {} : { backoffJitterMs: envJitter * 1000 }),
    ...options.retry,
  };
  if (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0 || retry.maxRetries > MAX_RETRIES_LIMIT) {
    throw new MlflowConfigError(`maxRetries must be an integer from 0 to ${MAX_RETRIES_LIMIT}, got ${retry.maxRetries}.`);
  }
  if (!(retry.backoffFactorMs >= 0 && retry.backoffFactorMs <= MAX_BACKOFF_FACTOR_MS)) {
    throw new MlflowConfigError(`backoffFactorMs must be from 0 to ${MAX_BACKOFF_FACTOR_MS}, got ${retry.backoffFactorMs}.`);
  }

  return {
    trackingUri: url,
    auth,
    timeoutMs,
    retry,
    headers: options.headers ?? {},
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
  };
}
