import {
  MLFLOW_TAGS,
  searchLiteral,
  type DatasetInput as MlflowDatasetInput,
  type MetricInput,
  type MlflowClient,
  type Run,
  type RunStatus as MlflowRunStatus,
} from '@wus/mlflow-js';
import { TrackingServerError } from '../errors.js';
import type { LocalRunStore } from '../local-store.js';
import type { RunDetails, StoredModel } from '../store-types.js';
import type { DatasetInput } from '../tracker.js';
import { trackingServerError } from './errors.js';

/** Tag that ties an MLflow run to the local run it replicates (how `wus sync` finds it again). */
export const LOCAL_RUN_ID_TAG = 'wus.localRunId';

/** MLflow's input tag naming the split a data set served as. */
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** The page of a run in MLflow's UI. */
export function mlflowRunUrl(trackingUri: string, experimentId: string, runId: string): string {
  return `${trackingUri.replace(/\/+$/, '')}/#/experiments/${experimentId}/runs/${runId}`;
}

/** The runs table of an experiment (`workflowType=machine_learning`: MLflow 3 otherwise opens its GenAI traces page). */
export function mlflowExperimentUrl(trackingUri: string, experimentId: string): string {
  return `${trackingUri.replace(/\/+$/, '')}/#/experiments/${experimentId}?workflowType=machine_learning`;
}

const datasetKey = (d: Pick<DatasetInput, 'name' | 'digest' | 'context'>) => `${d.name}\u0000${d.digest}\u0000${d.context}`;

/** Identity of a metric point for de-duplication: MLflow keeps every (key, step, timestamp). */
export function pointId(key: string, step: number, timestamp: number): string {
  return `${key}\u0000${step}\u0000${timestamp}`;
}

/** What one reconciliation sent. All zero (and created false) when the server was up to date. */
export interface ReconcileReport {
  readonly localRunId: string;
  readonly remoteRunId: string;
  readonly experimentId: string;
  readonly created: boolean;
  readonly paramsSent: number;
  readonly tagsSent: number;
  readonly metricsSent: number;
  readonly artifactsUploaded: number;
  readonly datasetsSent: number;
  /** Logged models created, or completed after an interrupted upload. */
  readonly modelsSent: number;
  readonly statusUpdated: boolean;
  /** Problems of the local copy that were worked around (torn lines…). */
  readonly localIssues: readonly string[];
}

/**
 * Shared state of one replication target (one MLflow server): experiment ids by name, remote
 * run ids by local id, and per run the metric points known to be on the server.
 */
export class ReplicationContext {
  private readonly experiments = new Map<string, string>();
  readonly remoteIds = new Map<string, string>();
  /** local run id → ids of points known to be on the server. */
  readonly known = new Map<string, Set<string>>();

  constructor(
    readonly client: MlflowClient,
    readonly store: LocalRunStore,
  ) {}

  get trackingUri(): string {
    return this.client.trackingUri;
  }

  knownPoints(localRunId: string): Set<string> {
    let set = this.known.get(localRunId);
    if (set === undefined) this.known.set(localRunId, (set = new Set()));
    return set;
  }

  /**
   * The id of the active experiment with this name, created when missing. A deleted
   * experiment of that name is not revived behind the user's back: that is an error saying
   * how to fix it (MLflow keeps deleted names reserved).
   */
  async experimentId(name: string): Promise<string> {
    const cached = this.experiments.get(name);
    if (cached !== undefined) return cached;
    const client = this.client;
    let exp = await client.experiments.getByName(name);
    if (exp === undefined) {
      try {
        await client.experiments.create(name);
      } catch (e) {
        // created concurrently by another process: read it back below
        if ((await client.experiments.getByName(name)) === undefined) throw e;
      }
      exp = await client.experiments.getByName(name);
    }
    if (exp === undefined) throw new Error(`experiment "${name}" vanished right after its creation on ${this.trackingUri}`);
    if (exp.lifecycleStage === 'deleted') {
      throw new TrackingServerError(
        'experiment-deleted',
        `Experiment "${name}" (id ${exp.experimentId}) is deleted on the MLflow server ${this.trackingUri}, so no run can be ` +
          `logged to it. Restore it (\`mlflow experiments restore --experiment-id ${exp.experimentId}\`), delete it for good ` +
          '(`mlflow gc`), or log to another experiment (--experiment).',
        { trackingUri: this.trackingUri, errorCode: 'INVALID_STATE' },
      );
    }
    this.experiments.set(name, exp.experimentId);
    return exp.experimentId;
  }

  /** The MLflow run replicating `localRunId`, found by its tag, or undefined. */
  async findRemote(localRunId: string, experimentId: string): Promise<string | undefined> {
    const cached = this.remoteIds.get(localRunId);
    if (cached !== undefined) return cached;
    const runs = await this.client.runs.search({
      experimentIds: [experimentId],
      filter: `tags.\`${LOCAL_RUN_ID_TAG}\` = ${searchLiteral(localRunId)}`,
      orderBy: ['attributes.start_time ASC'],
      maxResults: 10,
    });
    // Two copies can only come from a create whose answer was lost; keep using the first.
    const id = runs.items[0]?.info.runId;
    if (id !== undefined) await this.learned(localRunId, experimentId, id);
    return id;
  }

  /** Remembers a remote id, here and in the run's replica record (`wus runs show` prints it). */
  private async learned(localRunId: string, experimentId: string, remoteId: string): Promise<void> {
    this.remoteIds.set(localRunId, remoteId);
    await this.store.recordReplica(localRunId, this.trackingUri, { experimentId, runId: remoteId });
  }

  /** Creates the MLflow run of a local run (its parent first when needed). Returns its id. */
  async createRemote(details: Pick<RunDetails, 'info' | 'tags'>, experimentId: string): Promise<string> {
    const { info } = details;
    const tags: Record<string, string> = { [LOCAL_RUN_ID_TAG]: info.runId };
    if (info.parentRunId !== null) tags[MLFLOW_TAGS.parentRunId] = await this.ensureRemote(info.parentRunId);
    const user = details.tags[MLFLOW_TAGS.user];
    const run = await this.client.runs.create({ experimentId, runName: info.name, startTime: info.startTime, tags, ...(user === undefined ? {} : { userId: user }) });
    this.known.set(info.runId, new Set());
    await this.learned(info.runId, experimentId, run.info.runId);
    return run.info.runId;
  }

  /** Sends the run's data-set inputs the server lacks (by name, digest and context). Returns how many. */
  async replicateInputs(localInputs: readonly DatasetInput[], remoteId: string, remote?: Run): Promise<number> {
    if (localInputs.length === 0) return 0;
    const there = new Set(
      ((remote ?? (await this.client.runs.get(remoteId))).inputs.datasetInputs).map((d) =>
        datasetKey({ name: d.dataset.name, digest: d.dataset.digest, context: d.tags[DATASET_CONTEXT_TAG] ?? '' }),
      ),
    );
    const missing = localInputs.filter((d) => !there.has(datasetKey(d)));
    if (missing.length === 0) return 0;
    const datasets: MlflowDatasetInput[] = missing.map(({ context, ...dataset }) => ({ dataset, tags: { [DATASET_CONTEXT_TAG]: context } }));
    await this.client.runs.logInputs(remoteId, { datasets });
    return missing.length;
  }

  /**
   * Brings a run's logged model up to date on the server, idempotently: found by (source run,
   * name) or created; its files uploaded when it is not READY yet (those already there with the
   * right size are skipped), then finalized READY; linked to the run as an output; registered
   * when asked and not yet done. Returns whether anything was sent.
   */
  async replicateModel(localRunId: string, remoteId: string, experimentId: string, model: StoredModel): Promise<boolean> {
    const { client } = this;
    let sent = false;
    let remote = (
      await client.loggedModels.searchAll({
        experimentIds: [experimentId],
        filter: `source_run_id = ${searchLiteral(remoteId)} AND name = ${searchLiteral(model.name)}`,
        orderBy: [{ fieldName: 'creation_timestamp', ascending: true }],
      })
    )[0];
    if (remote === undefined) {
      remote = await client.loggedModels.create({
        experimentId,
        name: model.name,
        sourceRunId: remoteId,
        ...(model.modelType === undefined ? {} : { modelType: model.modelType }),
        params: model.params,
        tags: { ...model.tags, [LOCAL_RUN_ID_TAG]: localRunId },
      });
      sent = true;
    }
    await this.store.recordReplica(localRunId, this.trackingUri, { experimentId, runId: remoteId, models: { [model.name]: remote.modelId } });
    if (remote.status !== 'READY') {
      // A model PENDING from an earlier attempt may hold some of its files already.
      const there = new Map(sent ? [] : (await client.artifacts.listAllOfModel(remote)).map((f) => [f.path, f.fileSize]));
      for (const rel of model.files) {
        const data = await this.store.readArtifact(localRunId, `${model.artifactPath}/${rel}`);
        if (there.get(rel) !== data.byteLength) await client.artifacts.uploadToModel(remote, rel, data);
      }
      remote = await client.loggedModels.finalize(remote.modelId, 'READY');
      sent = true;
    }
    const run = await client.runs.get(remoteId);
    if (!run.outputs.modelOutputs.some((o) => o.modelId === remote.modelId)) {
      await client.runs.logOutputs(remoteId, [{ modelId: remote.modelId, step: model.step ?? 0 }]);
      sent = true;
    }
    const registered = model.registeredModelName;
    if (registered !== undefined) {
      const versions = await client.registry.searchModelVersionsAll({ filter: `name = ${searchLiteral(registered)} and run_id = ${searchLiteral(remoteId)}` });
      if (!versions.some((v) => v.source === `models:/${remote.modelId}`)) {
        await client.registry.registerLoggedModel(remote, registered, { tags: { [LOCAL_RUN_ID_TAG]: localRunId } });
        sent = true;
      }
    }
    return sent;
  }

  /** The remote id of a local run, creating the remote run (but not copying its data) when missing. */
  async ensureRemote(localRunId: string): Promise<string> {
    const cached = this.remoteIds.get(localRunId);
    if (cached !== undefined) return cached;
    const details = await this.store.getRun(localRunId);
    const experimentId = await this.experimentId(details.info.experiment);
    return (await this.findRemote(localRunId, experimentId)) ?? (await this.createRemote(details, experimentId));
  }
}

/**
 * Status to give the MLflow run: a RUNNING local run whose process is gone was killed; one
 * written by a live process here is RUNNING (again, once resumed). A run being written on
 * another host is left as it is.
 */
function targetStatus(details: RunDetails): { status: MlflowRunStatus; endTime: number | undefined } | undefined {
  const { info } = details;
  if (info.status !== 'RUNNING') return { status: info.status, endTime: info.endTime ?? undefined };
  if (info.processState === 'alive') return { status: 'RUNNING', endTime: undefined };
  if (info.processState !== 'gone') return undefined;
  let last = info.startTime;
  for (const points of Object.values(details.metrics)) for (const p of points) last = Math.max(last, p.timestamp);
  return { status: 'KILLED', endTime: last };
}

/**
 * Brings the MLflow copy of one local run up to date, sending only what is missing. Running
 * it again sends nothing: the run is found by its `wus.localRunId` tag, params and tags are
 * compared with the server's, metric points by (key, step, timestamp) against the server's
 * history, artifacts by path and size, data-set inputs by (name, digest, context), logged
 * models by (source run, name) and status, status and end time by value.
 */
export async function reconcileRun(ctx: ReplicationContext, localRunId: string): Promise<ReconcileReport> {
  const details = await ctx.store.getRun(localRunId);
  const { info } = details;
  const client = ctx.client;
  const doing = (what: string) => `Replicating run ${info.runId} ("${info.name}", experiment "${info.experiment}") to ${ctx.trackingUri}: ${what}`;
  try {
    const experimentId = await ctx.experimentId(info.experiment);
    let remoteId = await ctx.findRemote(info.runId, experimentId);
    const created = remoteId === undefined;
    if (remoteId === undefined) remoteId = await ctx.createRemote(details, experimentId);
    const remote = await client.runs.get(remoteId);

    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.params)) {
      const there = remote.data.params[k];
      if (there === undefined) params[k] = v;
      else if (there !== v) {
        throw new TrackingServerError(
          'server-rejected',
          doing(`param "${k}" is "${there}" on the server but "${v}" locally; params cannot change. Delete the MLflow run ${remoteId} to upload it again.`),
          { trackingUri: ctx.trackingUri, errorCode: 'INVALID_PARAMETER_VALUE', runId: info.runId },
        );
      }
    }
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(details.tags)) if (remote.data.tags[k] !== v) tags[k] = v;

    const known = ctx.knownPoints(info.runId);
    const metrics: MetricInput[] = [];
    for (const [key, points] of Object.entries(details.metrics)) {
      if (!created) {
        for (const m of await client.metrics.historyAll(remoteId, key)) known.add(pointId(m.key, m.step, m.timestamp));
      }
      for (const p of points) {
        if (!known.has(pointId(key, p.step, p.timestamp))) metrics.push({ key, value: p.value, step: p.step, timestamp: p.timestamp });
      }
    }
    if (metrics.length > 0 || Object.keys(params).length > 0 || Object.keys(tags).length > 0) {
      await client.metrics.logBatch(remoteId, { metrics, params, tags });
      for (const m of metrics) known.add(pointId(m.key, m.step ?? 0, m.timestamp ?? 0));
    }

    let artifactsUploaded = 0;
    // A logged model's files go to the model (below), not to the run's artifacts.
    const runArtifacts = details.artifacts.filter((a) => !details.models.some((m) => a.name.startsWith(`${m.artifactPath}/`)));
    if (runArtifacts.length > 0) {
      const there = new Map<string, number | undefined>();
      if (!created) for (const f of await client.artifacts.listAll(remoteId)) there.set(f.path, f.fileSize);
      for (const a of runArtifacts) {
        if (there.has(a.name) && there.get(a.name) === a.size) continue;
        await client.artifacts.upload(remoteId, a.name, await ctx.store.readArtifact(info.runId, a.name));
        artifactsUploaded++;
      }
    }

    const datasetsSent = await ctx.replicateInputs(details.inputs, remoteId, remote);
    let modelsSent = 0;
    for (const m of details.models) if (await ctx.replicateModel(info.runId, remoteId, experimentId, m)) modelsSent++;

    let statusUpdated = false;
    const target = targetStatus(details);
    // MLflow cannot clear an end time: a run RUNNING again is compared by status alone.
    if (target !== undefined && (remote.info.status !== target.status || (target.status !== 'RUNNING' && remote.info.endTime !== target.endTime))) {
      await client.runs.update(remoteId, { status: target.status, ...(target.endTime === undefined ? {} : { endTime: target.endTime }) });
      statusUpdated = true;
    }
    return {
      localRunId: info.runId,
      remoteRunId: remoteId,
      experimentId,
      created,
      paramsSent: Object.keys(params).length,
      tagsSent: Object.keys(tags).length,
      metricsSent: metrics.length,
      artifactsUploaded,
      datasetsSent,
      modelsSent,
      statusUpdated,
      localIssues: details.issues.map((i) => `${i.kind}: ${i.message}`),
    };
  } catch (e) {
    throw trackingServerError(e, ctx.trackingUri, doing('failed'), info.runId);
  }
}
