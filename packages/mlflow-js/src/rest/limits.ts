/**
 * MLflow's server-side limits (mlflow/utils/validation.py of the pinned server, 3.17.2), kept
 * in one place as in MLflow's Python client. The client splits `logBatch` calls so that no
 * request exceeds them.
 */
export const LIMITS = {
  /** Metrics per log-batch request. */
  metricsPerBatch: 1000,
  /** Params per log-batch request. */
  paramsPerBatch: 100,
  /** Tags per log-batch request. */
  tagsPerBatch: 100,
  /** Metrics + params + tags per log-batch request. */
  entitiesPerBatch: 1000,
  /** Bytes of a log-batch request body (the server refuses larger ones). */
  batchRequestBytes: 1_000_000,
  /** Characters of a param value. */
  paramValueLength: 6000,
  /** Characters of a run tag value. */
  tagValueLength: 8000,
  /** Characters of a param, tag or metric key. */
  keyLength: 250,
  /** Characters of an experiment name. */
  experimentNameLength: 500,
  /** Characters of an experiment tag value. */
  experimentTagValueLength: 20_000,
  /** Runs per search-runs page (the server's ceiling). */
  searchRunsMaxResults: 50_000,
  /** Default page size of searches (SEARCH_MAX_RESULTS_DEFAULT). */
  searchRunsDefaultResults: 1000,
} as const;

/** Reserved tag keys MLflow itself reads (mlflow/utils/mlflow_tags.py). */
export const MLFLOW_TAGS = {
  parentRunId: 'mlflow.parentRunId',
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  source: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
  gitCommit: 'mlflow.source.git.commit',
  note: 'mlflow.note.content',
} as const;
