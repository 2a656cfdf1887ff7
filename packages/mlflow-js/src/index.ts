/**
 * @wus/mlflow-js — a typed client for MLflow's REST API 2.0: experiments, runs, metrics (batched
 * to the server's limits, history with paging), nested runs, inputs and outputs, artifacts through
 * the tracking server's proxy, MLflow 3 logged models, and the model registry. A thin REST layer (retries, timeouts,
 * typed errors, limits) under one object per concept.
 */
export { MlflowClient, type StartRunOptions } from './client.js';

export { ExperimentsApi } from './experiments/experiments.js';
export type { Experiment, LifecycleStage, SearchExperimentsOptions, ViewType } from './experiments/types.js';

export { RunsApi, searchLiteral } from './runs/runs.js';
export {
  RUN_STATUSES,
  type CreateRunOptions,
  type Dataset,
  type DatasetInput,
  type ModelOutput,
  type Run,
  type RunData,
  type RunInfo,
  type RunInputs,
  type RunOutputs,
  type RunStatus,
  type SearchRunsOptions,
  type UpdateRunOptions,
} from './runs/types.js';

export { METRIC_HISTORY_PAGE_SIZE, MetricsApi, type LogBatchInput } from './metrics/metrics.js';
export { DEFAULT_BATCH_LIMITS, splitBatch, type BatchChunk, type BatchLimits } from './metrics/batch.js';
export type { Metric, MetricInput } from './metrics/types.js';

export { ArtifactsApi, type ModelLocation } from './artifacts/artifacts.js';
export { guessContentType, normalizeArtifactPath, proxyPath, proxyRoot } from './artifacts/paths.js';
export type { FileInfo } from './artifacts/types.js';

export { ModelRegistryApi, validateRegisteredModelName, type RegisterModelOptions } from './registry/registry.js';

export { LoggedModelsApi } from './logged-models/logged-models.js';
export type { CreateLoggedModelOptions, LoggedModel, LoggedModelStatus, SearchLoggedModelsOptions } from './logged-models/types.js';
export type { ModelVersion, ModelVersionStatus, RegisteredModel, SearchRegistryOptions } from './registry/types.js';

export {
  DEFAULT_TIMEOUT_MS,
  parseTrackingUri,
  redactUri,
  resolveConfig,
  type MlflowAuth,
  type MlflowClientOptions,
  type ResolvedConfig,
} from './rest/config.js';
export { ARTIFACTS_PROXY_PATH, ENDPOINTS, withPathParams } from './rest/endpoints.js';
export {
  HTTP_STATUS_TO_ERROR_CODE,
  MlflowAuthError,
  MlflowConfigError,
  MlflowConnectionError,
  MlflowError,
  MlflowInvalidInputError,
  MlflowNotFoundError,
  MlflowProtocolError,
  MlflowRestError,
  MlflowTimeoutError,
  hasErrorCode,
  type MlflowErrorCode,
  type RequestTarget,
} from './rest/errors.js';
export { RestClient, type Endpoint, type HttpMethod, type QueryValue, type RawRequest, type RawResponse } from './rest/http.js';
export { encodeDouble, type Page } from './rest/json.js';
export { LIMITS, MLFLOW_TAGS } from './rest/limits.js';
export {
  DEFAULT_RETRY_POLICY,
  MAX_BACKOFF_FACTOR_MS,
  MAX_RETRIES_LIMIT,
  TRANSIENT_STATUSES,
  backoffDelayMs,
  retryAfterMs,
  type RetryPolicy,
} from './rest/retry.js';
