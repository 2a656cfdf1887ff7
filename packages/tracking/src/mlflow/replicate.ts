import { MLFLOW_TAGS, searchLiteral, type MetricInput, type MlflowClient, type RunStatus as MlflowRunStatus } from '@wus/mlflow-js';
import { TrackingServerError } from '../errors.js';
import type { LocalRunStore } from '../local-store.js';
import type { RunDetails } from '../store-types.js';
import { trackingServerError } from './errors.js';

/** Tag that ties an MLflow run to the local run it replicates (how `wus sync` finds it again). */
export const LOCAL_RUN_ID_TAG = 'wus.localRunId';

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
    if (id !== undefined) this.remoteIds.set(localRunId, id);
    return id;
  }

  /** Creates the MLflow run of a local run (its parent first when needed). Returns its id. */
  async createRemote(details: Pick<RunDetails, 'info'>, experimentId: string): Promise<string> {
    const { info } = details;
    const tags: Record<string, string> = { [LOCAL_RUN_ID_TAG]: info.runId };
    if (info.parentRunId !== null) tags[MLFLOW_TAGS.parentRunId] = await this.ensureRemote(info.parentRunId);
    const run = await this.client.runs.create({ experimentId, runName: info.name, startTime: info.startTime, tags });
    this.remoteIds.set(info.runId, run.info.runId);
    this.known.set(info.runId, new Set());
    return run.info.runId;
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
 * history, artifacts by path and size, status and end time by value.
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
    if (details.artifacts.length > 0) {
      const there = new Map<string, number | undefined>();
      if (!created) for (const f of await client.artifacts.listAll(remoteId)) there.set(f.path, f.fileSize);
      for (const a of details.artifacts) {
        if (there.has(a.name) && there.get(a.name) === a.size) continue;
        await client.artifacts.upload(remoteId, a.name, await ctx.store.readArtifact(info.runId, a.name));
        artifactsUploaded++;
      }
    }

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
      statusUpdated,
      localIssues: details.issues.map((i) => `${i.kind}: ${i.message}`),
    };
  } catch (e) {
    throw trackingServerError(e, ctx.trackingUri, doing('failed'), info.runId);
  }
}
