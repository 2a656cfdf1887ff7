import type { Endpoint, HttpMethod } from './http.js';

const API = '/api/2.0/mlflow';
/** The tracking server's artifact proxy (`mlflow server --serve-artifacts`). */
export const ARTIFACTS_PROXY_PATH = '/api/2.0/mlflow-artifacts/artifacts';

const ep = (method: HttpMethod, path: string, idempotent = true): Endpoint => ({ method, path: `${API}${path}`, idempotent });

/**
 * Every REST endpoint the client calls (methods and paths from service.proto and
 * model_registry.proto of MLflow 3.17). `idempotent: false`: creates something, so it is not
 * retried after a failure that may have reached the server.
 */
export const ENDPOINTS = {
  // experiments
  createExperiment: ep('POST', '/experiments/create', false),
  getExperiment: ep('GET', '/experiments/get'),
  getExperimentByName: ep('GET', '/experiments/get-by-name'),
  searchExperiments: ep('POST', '/experiments/search'),
  updateExperiment: ep('POST', '/experiments/update'),
  deleteExperiment: ep('POST', '/experiments/delete'),
  restoreExperiment: ep('POST', '/experiments/restore'),
  setExperimentTag: ep('POST', '/experiments/set-experiment-tag'),
  deleteExperimentTag: ep('POST', '/experiments/delete-experiment-tag'),
  // runs
  createRun: ep('POST', '/runs/create', false),
  getRun: ep('GET', '/runs/get'),
  updateRun: ep('POST', '/runs/update'),
  deleteRun: ep('POST', '/runs/delete'),
  restoreRun: ep('POST', '/runs/restore'),
  searchRuns: ep('POST', '/runs/search'),
  setTag: ep('POST', '/runs/set-tag'),
  deleteTag: ep('POST', '/runs/delete-tag'),
  logParam: ep('POST', '/runs/log-parameter'),
  logInputs: ep('POST', '/runs/log-inputs'),
  logOutputs: ep('POST', '/runs/outputs'),
  // metrics (log-metric / log-batch are idempotent: the SQL store keeps one row per identical point)
  logMetric: ep('POST', '/runs/log-metric'),
  logBatch: ep('POST', '/runs/log-batch'),
  getMetricHistory: ep('GET', '/metrics/get-history'),
  // logged models (MLflow 3); `{model_id}` is filled in by withPathParams
  createLoggedModel: ep('POST', '/logged-models', false),
  getLoggedModel: ep('GET', '/logged-models/{model_id}'),
  finalizeLoggedModel: ep('PATCH', '/logged-models/{model_id}'),
  deleteLoggedModel: ep('DELETE', '/logged-models/{model_id}'),
  searchLoggedModels: ep('POST', '/logged-models/search'),
  setLoggedModelTags: ep('PATCH', '/logged-models/{model_id}/tags'),
  // artifacts (listing through the tracking API; bytes go through the proxy)
  listArtifacts: ep('GET', '/artifacts/list'),
  // model registry
  createRegisteredModel: ep('POST', '/registered-models/create', false),
  getRegisteredModel: ep('GET', '/registered-models/get'),
  renameRegisteredModel: ep('POST', '/registered-models/rename'),
  updateRegisteredModel: ep('PATCH', '/registered-models/update'),
  deleteRegisteredModel: ep('DELETE', '/registered-models/delete'),
  searchRegisteredModels: ep('GET', '/registered-models/search'),
  setRegisteredModelTag: ep('POST', '/registered-models/set-tag'),
  deleteRegisteredModelTag: ep('DELETE', '/registered-models/delete-tag'),
  setRegisteredModelAlias: ep('POST', '/registered-models/alias'),
  deleteRegisteredModelAlias: ep('DELETE', '/registered-models/alias'),
  getModelVersionByAlias: ep('GET', '/registered-models/alias'),
  createModelVersion: ep('POST', '/model-versions/create', false),
  getModelVersion: ep('GET', '/model-versions/get'),
  updateModelVersion: ep('PATCH', '/model-versions/update'),
  deleteModelVersion: ep('DELETE', '/model-versions/delete'),
  searchModelVersions: ep('GET', '/model-versions/search'),
  getModelVersionDownloadUri: ep('GET', '/model-versions/get-download-uri'),
  setModelVersionTag: ep('POST', '/model-versions/set-tag'),
  deleteModelVersionTag: ep('DELETE', '/model-versions/delete-tag'),
} as const satisfies Record<string, Endpoint>;

/** An endpoint with its `{name}` path segments filled in (URL-encoded). */
export function withPathParams(endpoint: Endpoint, params: Readonly<Record<string, string>>): Endpoint {
  const path = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`${endpoint.path}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
  return { ...endpoint, path };
}
