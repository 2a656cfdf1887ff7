import type { z } from 'zod';
import type { ResolvedConfig } from './config.js';
import {
  HTTP_STATUS_TO_ERROR_CODE,
  MlflowAuthError,
  MlflowConnectionError,
  MlflowNotFoundError,
  MlflowProtocolError,
  MlflowRestError,
  MlflowTimeoutError,
  type MlflowErrorCode,
  type RequestTarget,
} from './errors.js';
import { backoffDelayMs, retryAfterMs } from './retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One REST endpoint. `idempotent: false` marks calls that must not run twice (they create
 * something): those are retried only when the server surely did not process the first attempt
 * (connection refused, 429, 503). Everything else is retried on every transient failure.
 */
export interface Endpoint {
  readonly method: HttpMethod;
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/create`. */
  readonly path: string;
  readonly idempotent: boolean;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RawRequest {
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as `application/json`. */
  readonly json?: unknown;
  /** Sent as is (artifact uploads). */
  readonly body?: Uint8Array;
  readonly contentType?: string;
  readonly idempotent: boolean;
  readonly signal?: AbortSignal;
  /** Overrides the policy's maxRetries for this request (0: a single attempt). */
  readonly maxRetries?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** Connection failures that happen before a request reaches the server: safe to retry any call. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Failures that retrying cannot fix. */
const PERMANENT_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);
/** Statuses that say the server did not act on the request. */
const NOT_PROCESSED_STATUSES = new Set([429, 503]);

const USER_AGENT = 'wus-mlflow-js/0.1.0';

type Outcome =
  | { kind: 'response'; response: RawResponse }
  | { kind: 'connection'; code: string | undefined; detail: string; error: unknown }
  | { kind: 'timeout' };

/**
 * The thin REST layer (MLflow's `rest_utils.py`): URL building, auth header, per-attempt
 * timeout, bounded retries with exponential back-off, and typed errors carrying `error_code`.
 * It knows nothing about runs or experiments.
 */
export class RestClient {
  constructor(readonly config: ResolvedConfig) {}

  get trackingUri(): string {
    return this.config.trackingUri;
  }

  /** Calls a JSON endpoint: GET sends `message` as the query string, other methods as the JSON body. */
  async call<S extends z.ZodType>(
    endpoint: Endpoint,
    message: Readonly<Record<string, unknown>>,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const request: RawRequest =
      endpoint.method === 'GET'
        ? { method: 'GET', path: endpoint.path, query: toQuery(message), idempotent: endpoint.idempotent, ...(signal ? { signal } : {}) }
        : { method: endpoint.method, path: endpoint.path, json: message, idempotent: endpoint.idempotent, ...(signal ? { signal } : {}) };
    const response = await this.send(request);
    return this.parse(request, response, schema);
  }

  /** Parses a JSON answer against a schema; anything else is an MlflowProtocolError. */
  parse<S extends z.ZodType>(request: Pick<RawRequest, 'method' | 'path'>, response: RawResponse, schema: S): z.output<S> {
    const target = this.target(request);
    const text = new TextDecoder().decode(response.body).trim();
    let json: unknown = {};
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new MlflowProtocolError(target, `HTTP ${response.status} with a body that is not JSON (${snippet(text)})`);
      }
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? 'the body' : issue.path.join('.');
      throw new MlflowProtocolError(target, `${where}: ${issue?.message ?? 'invalid'} in ${snippet(text)}`);
    }
    return result.data;
  }

  /** Sends a request with retries; resolves with a 2xx response, rejects with a typed MlflowError. */
  async send(request: RawRequest): Promise<RawResponse> {
    const { retry } = this.config;
    const target = this.target(request);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request);
      const retriesLeft = attempt <= (request.maxRetries ?? retry.maxRetries);
      if (outcome.kind === 'response') {
        const { response } = outcome;
        if (response.status >= 200 && response.status < 300) return response;
        const retryable =
          retry.retryStatuses.includes(response.status) && (request.idempotent || NOT_PROCESSED_STATUSES.has(response.status));
        if (retryable && retriesLeft) {
          const after = retryAfterMs(response.headers.get('retry-after'));
          const wait = after === undefined ? backoffDelayMs(retry, attempt - 1, this.config.random) : Math.min(after, retry.maxBackoffMs);
          await this.config.sleep(wait);
          continue;
        }
        throw this.restError(target, response, attempt);
      }
      if (outcome.kind === 'timeout') {
        if (request.idempotent && retriesLeft) {
          await this.config.sleep(backoffDelayMs(retry, attempt - 1, this.config.random));
          continue;
        }
        throw new MlflowTimeoutError(target, this.config.timeoutMs, attempt);
      }
      const permanent = outcome.code !== undefined && PERMANENT_CODES.has(outcome.code);
      const safe = request.idempotent || (outcome.code !== undefined && NOT_SENT_CODES.has(outcome.code));
      if (!permanent && safe && retriesLeft) {
        await this.config.sleep(backoffDelayMs(retry, attempt - 1, this.config.random));
        continue;
      }
      throw new MlflowConnectionError(target, outcome.code, outcome.detail, attempt, outcome.error);
    }
  }

  /** Full URL of a path (query string encoded like `requests`: lists as repeated keys). */
  url(path: string, query?: Readonly<Record<string, QueryValue>>): string {
    const url = `${this.config.trackingUri}${path.startsWith('/') ? '' : '/'}${path}`;
    if (query === undefined) return url;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
      else params.append(k, String(v));
    }
    const qs = params.toString();
    return qs === '' ? url : `${url}?${qs}`;
  }

  private target(request: Pick<RawRequest, 'method' | 'path'>): RequestTarget {
    return { method: request.method, path: request.path, baseUrl: this.config.trackingUri };
  }

  private headers(request: RawRequest): Record<string, string> {
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...this.config.headers };
    const { auth } = this.config;
    if (auth.kind === 'basic') {
      headers['Authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    } else if (auth.kind === 'bearer') {
      headers['Authorization'] = `Bearer ${auth.token}`;
    }
    if (request.json !== undefined) headers['Content-Type'] = 'application/json';
    else if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
    return headers;
  }

  private async attempt(request: RawRequest): Promise<Outcome> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    try {
      const init: RequestInit = { method: request.method, headers: this.headers(request), signal, redirect: 'follow' };
      if (request.json !== undefined) init.body = JSON.stringify(request.json);
      else if (request.body !== undefined) init.body = request.body;
      const res = await this.config.fetch(this.url(request.path, request.query), init);
      const body = new Uint8Array(await res.arrayBuffer());
      return { kind: 'response', response: { status: res.status, headers: res.headers, body } };
    } catch (error) {
      if (request.signal?.aborted === true) throw request.signal.reason;
      if (timeout.aborted) return { kind: 'timeout' };
      const { code, detail } = describeNetworkError(error);
      return { kind: 'connection', code, detail, error };
    }
  }

  private restError(target: RequestTarget, response: RawResponse, attempts: number): MlflowRestError {
    const text = new TextDecoder().decode(response.body);
    let errorCode: MlflowErrorCode = HTTP_STATUS_TO_ERROR_CODE[response.status] ?? 'INTERNAL_ERROR';
    let message = text.trim() === '' ? `(empty body)` : snippet(stripHtml(text));
    try {
      const json = JSON.parse(text) as unknown;
      if (typeof json === 'object' && json !== null) {
        const o = json as Record<string, unknown>;
        if (typeof o['error_code'] === 'string' && o['error_code'] !== '') errorCode = o['error_code'];
        if (typeof o['message'] === 'string') message = o['message'];
      }
    } catch {
      // not JSON: a proxy, an auth layer or not an MLflow server; keep the text
    }
    const { auth } = this.config;
    if (response.status === 401) {
      const hint =
        auth.kind === 'none'
          ? 'The server requires authentication: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)'
          : auth.kind === 'basic'
            ? `The server rejected the credentials of user "${auth.username}": check MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD`
            : 'The server rejected the token: check MLFLOW_TRACKING_TOKEN';
      return new MlflowAuthError(errorCode, response.status, message, target, attempts, hint);
    }
    if (response.status === 403) {
      const who = auth.kind === 'basic' ? `user "${auth.username}"` : 'these credentials';
      return new MlflowAuthError(errorCode, response.status, message, target, attempts, `${who} lack permission for this operation`);
    }
    if (response.status === 404) {
      const hint =
        errorCode === 'ENDPOINT_NOT_FOUND'
          ? `${target.baseUrl} does not serve this MLflow API path: is it an MLflow tracking server (≥ 2.0, started with --serve-artifacts for artifacts) and is any path prefix in MLFLOW_TRACKING_URI right?`
          : '';
      return new MlflowNotFoundError(errorCode, response.status, message, target, attempts, hint);
    }
    return new MlflowRestError(errorCode, response.status, message, target, attempts);
  }
}

/** GET parameters from a request message: arrays become repeated keys, undefined is dropped. */
function toQuery(message: Readonly<Record<string, unknown>>): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {};
  for (const [k, v] of Object.entries(message)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else throw new TypeError(`GET parameter ${k} must be a scalar or a list, got ${typeof v}`);
  }
  return out;
}

function describeNetworkError(error: unknown): { code: string | undefined; detail: string } {
  // fetch wraps the socket error: TypeError('fetch failed', { cause }); the cause may be an
  // AggregateError (one error per address tried).
  let e: unknown = error;
  for (let i = 0; i < 4 && e instanceof Error && (e as { cause?: unknown }).cause !== undefined; i++) {
    e = (e as { cause?: unknown }).cause;
  }
  const first = e instanceof AggregateError && e.errors.length > 0 ? (e.errors[0] as unknown) : e;
  const code = (first as { code?: unknown } | undefined)?.code ?? (e as { code?: unknown } | undefined)?.code;
  const detail = first instanceof Error ? first.message || String(code ?? 'network error') : String(first);
  return { code: typeof code === 'string' ? code : undefined, detail };
}

function stripHtml(text: string): string {
  return text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

function snippet(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
