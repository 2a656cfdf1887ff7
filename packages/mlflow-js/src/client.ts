import { ArtifactsApi } from './artifacts/artifacts.js';
import { ExperimentsApi } from './experiments/experiments.js';
import { LoggedModelsApi } from './logged-models/logged-models.js';
import { MetricsApi } from './metrics/metrics.js';
import { ModelRegistryApi } from './registry/registry.js';
import { resolveConfig, type MlflowClientOptions } from './rest/config.js';
import { MlflowInvalidInputError } from './rest/errors.js';
import { RestClient } from './rest/http.js';
import { RunsApi } from './runs/runs.js';
import type { Run, RunStatus } from './runs/types.js';

export interface StartRunOptions {
  /** The experiment by name (created when missing; a deleted one is an error) … */
  readonly experimentName?: string;
  /** … or by id. */
  readonly experimentId?: string;
  readonly runName?: string;
  readonly startTime?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Nest the run under this one (tag `mlflow.parentRunId`). */
  readonly parentRunId?: string;
}

/**
 * The higher client (MLflow's `MlflowClient`): one object per concept on top of one REST layer.
 *
 * ```ts
 * const mlflow = new MlflowClient();                      // MLFLOW_TRACKING_URI, credentials from env
 * const run = await mlflow.startRun({ experimentName: 'demo', runName: 'first' });
 * await mlflow.metrics.logBatch(run.info.runId, { params: { lr: '0.1' }, metrics: [{ key: 'loss', value: 0.5, step: 0 }] });
 * await mlflow.artifacts.upload(run.info.runId, 'notes.txt', 'hello');
 * await mlflow.runs.setTerminated(run.info.runId);
 * ```
 */
export class MlflowClient {
  readonly rest: RestClient;
  readonly experiments: ExperimentsApi;
  readonly runs: RunsApi;
  readonly metrics: MetricsApi;
  readonly artifacts: ArtifactsApi;
  readonly registry: ModelRegistryApi;
  readonly loggedModels: LoggedModelsApi;

  constructor(options: MlflowClientOptions & { readonly now?: () => number } = {}) {
    const config = resolveConfig(options);
    const now = options.now ?? Date.now;
    this.rest = new RestClient(config);
    this.experiments = new ExperimentsApi(this.rest);
    this.runs = new RunsApi(this.rest, now);
    this.metrics = new MetricsApi(this.rest, now);
    this.artifacts = new ArtifactsApi(this.rest, this.runs);
    this.registry = new ModelRegistryApi(this.rest, config.sleep);
    this.loggedModels = new LoggedModelsApi(this.rest);
  }

  /** The tracking URI in use (without credentials). */
  get trackingUri(): string {
    return this.rest.trackingUri;
  }

  /**
   * Checks the server answers `/health` (unauthenticated on MLflow servers). One attempt
   * unless `retries` is given; rejects with MlflowConnectionError / MlflowTimeoutError / MlflowRestError.
   */
  async health(options: { retries?: number; signal?: AbortSignal } = {}): Promise<void> {
    await this.rest.send({
      method: 'GET',
      path: '/health',
      idempotent: true,
      maxRetries: options.retries ?? 0,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  /** The server's MLflow version (`/version`), e.g. "3.17.2". */
  async serverVersion(): Promise<string> {
    const res = await this.rest.send({ method: 'GET', path: '/version', idempotent: true });
    return new TextDecoder().decode(res.body).trim();
  }

  /** Creates a run in an experiment given by name (created when missing) or id. */
  async startRun(options: StartRunOptions): Promise<Run> {
    let experimentId = options.experimentId;
    if (experimentId === undefined) {
      if (options.experimentName === undefined) throw new MlflowInvalidInputError('startRun needs experimentName or experimentId.');
      experimentId = (await this.experiments.getOrCreate(options.experimentName)).experimentId;
    }
    return this.runs.create({
      experimentId,
      ...(options.runName === undefined ? {} : { runName: options.runName }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.parentRunId === undefined ? {} : { parentRunId: options.parentRunId }),
    });
  }

  /** Ends a run (status FINISHED by default, end time now). */
  async endRun(runId: string, status: RunStatus = 'FINISHED', endTime?: number): Promise<void> {
    await this.runs.setTerminated(runId, status, endTime);
  }
}
