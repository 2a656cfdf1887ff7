/**
 * Typed errors, one class per way a call can fail. Every error carries an MLflow `errorCode`:
 * the server's own (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`, …) for REST errors, or
 * the code MLflow's Python client would use for failures that never got an MLflow answer
 * (`TEMPORARILY_UNAVAILABLE` for an unreachable server, `DEADLINE_EXCEEDED` for a timeout).
 * Messages say what failed and what to do next; they never contain credentials.
 */

/** MLflow's `ErrorCode` names (databricks.proto) that the tracking server returns. */
export type MlflowErrorCode =
  | 'INTERNAL_ERROR'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'BAD_REQUEST'
  | 'DEADLINE_EXCEEDED'
  | 'ENDPOINT_NOT_FOUND'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'CUSTOMER_UNAUTHORIZED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_CONFLICT'
  | 'NOT_IMPLEMENTED'
  | (string & {});

/** How MLflow's Python client maps an HTTP status to an error code when the body has none. */
export const HTTP_STATUS_TO_ERROR_CODE: Readonly<Record<number, MlflowErrorCode>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'ENDPOINT_NOT_FOUND',
  409: 'RESOURCE_CONFLICT',
  429: 'REQUEST_LIMIT_EXCEEDED',
  499: 'CANCELLED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  503: 'TEMPORARILY_UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Base class: `instanceof MlflowError` catches every failure of this package. */
export class MlflowError extends Error {
  readonly errorCode: MlflowErrorCode;
  /** True when trying again later may succeed (server down, rate limit, timeout). */
  readonly retryable: boolean;
  constructor(errorCode: MlflowErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorCode = errorCode;
    this.retryable = options?.retryable ?? false;
  }
}

/** Where a failed request went (never with credentials). */
export interface RequestTarget {
  readonly method: string;
  /** Path below the tracking URI, e.g. `/api/2.0/mlflow/runs/create`. */
  readonly path: string;
  /** The tracking URI, without user info. */
  readonly baseUrl: string;
}

/** The server answered with an error status. `errorCode` is MLflow's `error_code`. */
export class MlflowRestError extends MlflowError {
  readonly status: number;
  readonly target: RequestTarget;
  /** The server's message (without our hint). */
  readonly serverMessage: string;
  /** Attempts made (1 when not retried). */
  readonly attempts: number;
  constructor(
    errorCode: MlflowErrorCode,
    status: number,
    serverMessage: string,
    target: RequestTarget,
    attempts: number,
    hint = '',
  ) {
    super(
      errorCode,
      `MLflow ${target.method} ${target.path} at ${target.baseUrl} failed with HTTP ${status} ${errorCode}: ` +
        `${serverMessage}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}${hint === '' ? '' : `. ${hint}`}`,
      { retryable: status === 429 || status >= 500 },
    );
    this.status = status;
    this.target = target;
    this.serverMessage = serverMessage;
    this.attempts = attempts;
  }
}

/** 401 or 403: missing or wrong credentials, or no permission. */
export class MlflowAuthError extends MlflowRestError {}

/** 404: the experiment, run, model, artifact… (`RESOURCE_DOES_NOT_EXIST`) or the endpoint (`ENDPOINT_NOT_FOUND`) does not exist. */
export class MlflowNotFoundError extends MlflowRestError {}

/** The server could not be reached (refused, reset, unknown host) after every retry. */
export class MlflowConnectionError extends MlflowError {
  readonly target: RequestTarget;
  /** Node's error code: ECONNREFUSED, ENOTFOUND, ECONNRESET, … when known. */
  readonly systemCode: string | undefined;
  readonly attempts: number;
  constructor(target: RequestTarget, systemCode: string | undefined, detail: string, attempts: number, cause: unknown) {
    super(
      'TEMPORARILY_UNAVAILABLE',
      `Cannot reach the MLflow server at ${target.baseUrl} (${target.method} ${target.path}): ${detail}` +
        `${attempts > 1 ? ` (after ${attempts} attempts)` : ''}. ` +
        (systemCode === 'ENOTFOUND' || systemCode === 'EAI_AGAIN'
          ? 'The host name does not resolve: check MLFLOW_TRACKING_URI.'
          : 'Check that the server is running (`mlflow server`) and that MLFLOW_TRACKING_URI points at it.'),
      { cause, retryable: true },
    );
    this.target = target;
    this.systemCode = systemCode;
    this.attempts = attempts;
  }
}

/** No answer within the per-attempt timeout, on every attempt. */
export class MlflowTimeoutError extends MlflowError {
  readonly target: RequestTarget;
  readonly timeoutMs: number;
  readonly attempts: number;
  constructor(target: RequestTarget, timeoutMs: number, attempts: number) {
    super(
      'DEADLINE_EXCEEDED',
      `MLflow ${target.method} ${target.path} at ${target.baseUrl} got no answer within ${timeoutMs} ms` +
        `${attempts > 1 ? ` (${attempts} attempts)` : ''}. The server may be overloaded; ` +
        'raise the timeout (MLFLOW_HTTP_REQUEST_TIMEOUT, seconds) if large uploads are expected.',
      { retryable: true },
    );
    this.target = target;
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}

/** The server answered 2xx with something that is not what the MLflow API returns. */
export class MlflowProtocolError extends MlflowError {
  readonly target: RequestTarget;
  constructor(target: RequestTarget, detail: string) {
    super(
      'INTERNAL_ERROR',
      `Unexpected answer from ${target.baseUrl} to ${target.method} ${target.path}: ${detail}. ` +
        'Is MLFLOW_TRACKING_URI the address of an MLflow tracking server (MLflow ≥ 2.0)?',
    );
    this.target = target;
  }
}

/** A bad tracking URI, credentials or client option. Nothing was sent. */
export class MlflowConfigError extends MlflowError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}

/** An argument the client refuses before sending (e.g. an artifact path escaping the run). */
export class MlflowInvalidInputError extends MlflowError {
  constructor(message: string) {
    super('INVALID_PARAMETER_VALUE', message);
  }
}

/** True for a REST error with one of these MLflow error codes. */
export function hasErrorCode(error: unknown, ...codes: MlflowErrorCode[]): boolean {
  return error instanceof MlflowError && codes.includes(error.errorCode);
}
