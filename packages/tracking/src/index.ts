/**
 * @wus/tracking — the tracking seam (Tracker / RunHandle), the crash-safe local run store
 * (the default tracker and the reader behind `wus runs` / `wus sync`), the MLflow tracker and
 * sync (through @wus/mlflow-js), the learning-curve plot and the callback that logs a training run.
 */
export type {
  DatasetInput,
  MetricPoint,
  ModelSpec,
  ParamValue,
  ResumeRunOptions,
  RunHandle,
  RunStatus,
  StartRunOptions,
  TagValue,
  TerminalRunStatus,
  Tracker,
} from './tracker.js';
export {
  InvalidTrackingInputError,
  ParamConflictError,
  RunNotFoundError,
  StoreError,
  TrackingServerError,
  type StoreErrorReason,
} from './errors.js';
export { LocalRunStore, RUN_FILES, defaultRunStoreRoot, type LocalRunStoreOptions } from './local-store.js';
export { CheckpointDirectory, type CheckpointDirectoryOptions } from './checkpoints.js';
export {
  STORE_FORMAT_VERSION,
  type ArtifactInfo,
  type ExperimentInfo,
  type ListRunsFilter,
  type MetricHistoryPoint,
  type ProcessState,
  type ReplicaRecord,
  type RunDetails,
  type RunInfo,
  type RunMeta,
  type RunReader,
  type StoreIssue,
  type StoredModel,
} from './store-types.js';
export { readMetricsFile, groupMetrics, type ReadMetricsResult, type StoredMetricPoint } from './metrics-file.js';
export { isProcessAlive } from './process-state.js';
export {
  LIMITS,
  decodeMetricValue,
  encodeMetricValue,
  flattenParams,
  validateKey,
  type EncodedMetricValue,
} from './validation.js';
export { epochStep } from './epochs.js';
export {
  EPOCH_METRIC_KEYS,
  FINAL_METRIC_KEYS,
  TrackingCallback,
  epochMetricPoints,
  finalMetricPoints,
  metricPointId,
  type TrackingCallbackOptions,
} from './tracking-callback.js';
export { DIGEST_SAMPLES, datasetInputs } from './dataset-inputs.js';
export { SYSTEM_METRIC_KEYS, SYSTEM_METRIC_PREFIX, SystemMetricsCallback, type SystemMetricsOptions } from './system-metrics.js';
export { COMPARISON_PLOT_ARTIFACT, comparisonPlotSpec, renderComparisonPlot, type ComparisonPlotTrial } from './comparison-plot.js';
export { PARETO_PLOT_ARTIFACT, paretoPlotSpec, renderParetoPlot, type ParetoPlotPoint } from './pareto-plot.js';
export { renderVegaLiteSvg, svgToPng } from './render.js';
export { LEARNING_CURVE_ARTIFACT, learningCurveSpec, renderLearningCurveSvg, type LearningCurveEpoch } from './learning-curve.js';
export { MlflowTracker, type MlflowTrackerEvent, type MlflowTrackerOptions } from './mlflow/mlflow-tracker.js';
export { syncToMlflow, type SyncOptions, type SyncReport, type SyncRunResult } from './mlflow/sync.js';
export {
  DATASET_CONTEXT_TAG,
  LOCAL_RUN_ID_TAG,
  ReplicationContext,
  mlflowExperimentUrl,
  mlflowRunUrl,
  reconcileRun,
  type ReconcileReport,
} from './mlflow/replicate.js';
export { mlflowClientFromEnv, trackerFromEnv } from './mlflow/from-env.js';

/** MLflow's reserved tag names and its registered-model name rule, for callers that set them. */
export { MLFLOW_TAGS, validateRegisteredModelName } from '@wus/mlflow-js';
