import type { MlflowClient } from '@wus/mlflow-js';
import type { LocalRunStore } from '../local-store.js';
import type {
  DatasetInput,
  MetricPoint,
  ModelSpec,
  ParamValue,
  ResumeRunOptions,
  RunHandle,
  StartRunOptions,
  TagValue,
  TerminalRunStatus,
  Tracker,
} from '../tracker.js';
import { normalizeDatasetInputs, normalizeMetrics, normalizeModel, normalizeParams, normalizeTags } from '../validation.js';
import { isFatalForTracker, isTransient, trackingServerError } from './errors.js';
import { ReplicationContext, mlflowExperimentUrl, mlflowRunUrl, pointId, reconcileRun } from './replicate.js';

/** What the tracker tells the user about the server (the app prints `message`). */
export interface MlflowTrackerEvent {
  /**
   * `offline`: the server stopped answering; runs go on in the local store.
   * `online`: it answers again; what it missed is being replayed.
   * `run-failed`: the server refused something for one run (it stays complete locally).
   * `pending`: a run ended before reaching the server; `wus sync` will upload it.
   * `fatal`: no run can be replicated (credentials, not an MLflow server, deleted experiment).
   * `created`: a run now exists on the server; `url` is its page.
   */
  readonly kind: 'offline' | 'online' | 'run-failed' | 'pending' | 'fatal' | 'created';
  readonly message: string;
  readonly runId?: string;
  readonly url?: string;
  readonly error?: Error;
}

export interface MlflowTrackerOptions {
  /** The server. Give it a short retry policy: the tracker never blocks training on it. */
  readonly client: MlflowClient;
  /** Every run is written here first (the journal); MLflow gets a copy. */
  readonly store: LocalRunStore;
  /** How often an unreachable server is probed (`/health`). Default 5000 ms. */
  readonly probeIntervalMs?: number;
  /** How long `end()` waits for the run to reach the server. Default 30 000 ms. */
  readonly endTimeoutMs?: number;
  /** How long `flush()` waits for the server. Default 10 000 ms. */
  readonly flushTimeoutMs?: number;
  /** Clock for metric timestamps (the local copy and MLflow get the same ones). */
  readonly now?: () => number;
  readonly onEvent?: (event: MlflowTrackerEvent) => void;
}

type Op =
  | { readonly kind: 'create' }
  | { readonly kind: 'batch'; readonly params?: Record<string, string>; readonly tags?: Record<string, string>; readonly metrics?: readonly { key: string; value: number; step: number; timestamp: number }[] }
  | { readonly kind: 'artifact'; readonly name: string }
  | { readonly kind: 'inputs'; readonly datasets: readonly DatasetInput[] }
  | { readonly kind: 'model'; readonly name: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'reconcile' };

interface Replica {
  readonly localId: string;
  readonly name: string;
  /** The server may lack something the local copy has, and no queued op will send it. */
  dirty: boolean;
  /** A reconcile task is queued or running. */
  reconciling: boolean;
  /** Count of ops received: a reconcile that started at version v covers every op ≤ v. */
  version: number;
  ended: boolean;
  failed: Error | undefined;
}

interface Task {
  readonly replica: Replica;
  readonly op: Op;
}

/**
 * A Tracker that logs to an MLflow server live, with the local run store as its journal:
 * every call is first written (validated, crash-safe) to the LocalRunStore, then queued for
 * the server and sent in the background — batched to MLflow's limits by mlflow-js, retried
 * by its REST layer. While the server is unreachable nothing is sent: runs go on locally, the
 * server is probed every `probeIntervalMs`, and when it answers again each affected run is
 * reconciled — the same idempotent diff `wus sync` does — so no point is lost or doubled.
 * Training never waits on the server except in `flush()` / `end()`, which wait a bounded time.
 * `RunHandle.id` is the local run id; the MLflow run carries it as tag `wus.localRunId`.
 */
export class MlflowTracker implements Tracker {
  readonly ctx: ReplicationContext;
  private readonly replicas: Replica[] = [];
  private readonly queue: Task[] = [];
  private online = true;
  private fatal: Error | undefined;
  private worker: Promise<void> | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing: Promise<boolean> | undefined;
  private readonly probeIntervalMs: number;
  private readonly endTimeoutMs: number;
  private readonly flushTimeoutMs: number;
  private readonly now: () => number;
  private readonly emit: (event: MlflowTrackerEvent) => void;

  constructor(options: MlflowTrackerOptions) {
    this.ctx = new ReplicationContext(options.client, options.store);
    this.probeIntervalMs = options.probeIntervalMs ?? 5000;
    this.endTimeoutMs = options.endTimeoutMs ?? 30_000;
    this.flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.emit = options.onEvent ?? (() => undefined);
  }

  get trackingUri(): string {
    return this.ctx.trackingUri;
  }

  /** Whether the server answered the last request. */
  get isOnline(): boolean {
    return this.online && this.fatal === undefined;
  }

  /** Local ids of runs whose MLflow copy is not (known to be) complete. */
  pendingRuns(): string[] {
    return this.replicas.filter((r) => !this.isClean(r)).map((r) => r.localId);
  }

  /** The MLflow run id of a local run, once created there. */
  remoteRunId(localRunId: string): string | undefined {
    return this.ctx.remoteIds.get(localRunId);
  }

  /**
   * Links into MLflow's UI for a local run, once it exists on the server: the run's own page and
   * its experiment's runs table (`workflowType=machine_learning`: MLflow 3 otherwise opens an
   * experiment on its GenAI traces page). Undefined while the run has not reached the server.
   */
  async runLinks(localRunId: string, experiment: string): Promise<{ run: string; experiment: string } | undefined> {
    const remote = this.remoteRunId(localRunId);
    if (remote === undefined || !this.isOnline) return undefined;
    const id = await this.ctx.experimentId(experiment);
    return { run: mlflowRunUrl(this.trackingUri, id, remote), experiment: mlflowExperimentUrl(this.trackingUri, id) };
  }

  /**
   * Credentials, URI and experiment, checked before anything is done: a run that can never reach
   * the server should fail before data loads and training, not after. An unreachable server is
   * no error (runs go on locally, see the class comment).
   */
  async prepare(experiment: string): Promise<void> {
    if (this.fatal !== undefined) throw this.fatal;
    if (!this.online) return;
    try {
      await this.ctx.experimentId(experiment);
    } catch (e) {
      const err = trackingServerError(e, this.trackingUri, `Preparing MLflow experiment "${experiment}" at ${this.trackingUri}`);
      if (!isTransient(e)) {
        if (isFatalForTracker(err)) this.fatal = err;
        throw err;
      }
      this.goOffline(err);
    }
  }

  async startRun(options: StartRunOptions): Promise<RunHandle> {
    // Also before the local run exists, for callers that did not prepare.
    await this.prepare(options.experiment);
    const local = await this.ctx.store.startRun(options);
    const replica: Replica = { localId: local.id, name: options.name, dirty: false, reconciling: false, version: 0, ended: false, failed: undefined };
    this.replicas.push(replica);
    this.submit(replica, { kind: 'create' });
    return new MlflowRunHandle(this, replica, local, this.now);
  }

  /**
   * Reopens a run that stopped without finishing (the local store's `resumeRun`) and brings
   * its MLflow copy up to date: a reconcile sends whatever the stopped process had not, finds
   * the MLflow run by its `wus.localRunId` tag (or creates it) and marks it RUNNING again.
   */
  async resumeRun(runId: string, options: ResumeRunOptions = {}): Promise<RunHandle> {
    if (this.fatal !== undefined) throw this.fatal;
    const local = await this.ctx.store.resumeRun(runId, options);
    const { info } = await this.ctx.store.getRun(local.id);
    const replica: Replica = { localId: local.id, name: info.name, dirty: true, reconciling: false, version: 0, ended: false, failed: undefined };
    this.replicas.push(replica);
    if (this.online) this.queueReconcile(replica);
    else this.scheduleProbe();
    return new MlflowRunHandle(this, replica, local, this.now);
  }

  /**
   * Waits (at most `timeoutMs`) until everything logged so far has reached the server. When
   * the server is known to be down it is probed once now. Resolves true when no run is pending.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (!this.online && this.fatal === undefined) await this.probeNow();
    while (this.online && this.fatal === undefined && (this.queue.length > 0 || this.worker !== undefined)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.kick(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    return this.pendingRuns().length === 0;
  }

  /** Waits for the server (bounded), stops probing, and says which runs did not make it. */
  async close(timeoutMs = this.endTimeoutMs): Promise<string[]> {
    await this.settle(timeoutMs);
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    return this.pendingRuns();
  }

  // ------------------------------------------------------------------ internals (used by handles)

  /** Called after an op was written to the local store. */
  submit(replica: Replica, op: Op): void {
    replica.version++;
    if (op.kind === 'end') replica.ended = true;
    if (this.fatal !== undefined || replica.failed !== undefined) return;
    if (!this.online || replica.dirty) {
      replica.dirty = true; // the local store has it; a reconcile will send it
      return;
    }
    this.queue.push({ replica, op });
    void this.kick();
  }

  /** After `end()`: wait for this run (bounded) and tell the user if it did not make it. */
  async afterEnd(replica: Replica): Promise<void> {
    await this.settle(this.endTimeoutMs);
    if (!this.isClean(replica) && this.fatal === undefined && replica.failed === undefined) {
      this.emit({
        kind: 'pending',
        runId: replica.localId,
        message:
          `run ${replica.localId} ("${replica.name}") is not in MLflow yet (${this.trackingUri} unreachable); it is complete in ` +
          'the local store and is sent when the server answers again while wus runs, or by `wus sync`.',
      });
    }
  }

  async afterFlush(): Promise<void> {
    await this.settle(this.flushTimeoutMs);
  }

  private isClean(r: Replica): boolean {
    return !r.dirty && r.failed === undefined && this.fatal === undefined && !this.queue.some((t) => t.replica === r) && this.ctx.remoteIds.has(r.localId);
  }

  private kick(): Promise<void> {
    this.worker ??= this.drain().finally(() => {
      this.worker = undefined;
    });
    return this.worker;
  }

  private async drain(): Promise<void> {
    while (this.online && this.fatal === undefined) {
      const task = this.queue.shift();
      if (task === undefined) return;
      const { replica, op } = task;
      if (replica.failed !== undefined || (replica.dirty && op.kind !== 'reconcile')) continue;
      const version = replica.version;
      try {
        await this.execute(replica, op);
        if (op.kind === 'reconcile') {
          replica.reconciling = false;
          // Ops that arrived while reconciling were not sent: reconcile again until none did.
          if (replica.version === version) replica.dirty = false;
          else this.queueReconcile(replica);
        }
      } catch (e) {
        if (op.kind === 'reconcile') replica.reconciling = false;
        this.onFailure(replica, e);
      }
    }
  }

  private async execute(replica: Replica, op: Op): Promise<void> {
    const { ctx } = this;
    switch (op.kind) {
      case 'reconcile': {
        const report = await reconcileRun(ctx, replica.localId);
        if (report.created) this.announce(replica, report.experimentId, report.remoteRunId);
        return;
      }
      case 'create': {
        const details = await ctx.store.getRun(replica.localId);
        const experimentId = await ctx.experimentId(details.info.experiment);
        const remoteId = await ctx.createRemote(details, experimentId);
        // Params and tags given to startRun (later ones are queued after this op; sending them twice is harmless).
        await ctx.client.metrics.logBatch(remoteId, { params: { ...details.params }, tags: { ...details.tags } });
        this.announce(replica, experimentId, remoteId);
        return;
      }
      case 'inputs':
        await ctx.replicateInputs(op.datasets, this.remoteIdOf(replica));
        return;
      case 'model': {
        const remoteId = this.remoteIdOf(replica);
        const details = await ctx.store.getRun(replica.localId);
        const model = details.models.find((m) => m.name === op.name);
        if (model !== undefined) await ctx.replicateModel(replica.localId, remoteId, await ctx.experimentId(details.info.experiment), model);
        return;
      }
      case 'batch': {
        const remoteId = this.remoteIdOf(replica);
        const known = ctx.knownPoints(replica.localId);
        const metrics = (op.metrics ?? []).filter((m) => !known.has(pointId(m.key, m.step, m.timestamp)));
        await ctx.client.metrics.logBatch(remoteId, { metrics, params: op.params ?? {}, tags: op.tags ?? {} });
        for (const m of metrics) known.add(pointId(m.key, m.step, m.timestamp));
        return;
      }
      case 'artifact':
        await ctx.client.artifacts.upload(this.remoteIdOf(replica), op.name, await ctx.store.readArtifact(replica.localId, op.name));
        return;
      case 'end': {
        const { info } = await ctx.store.getRun(replica.localId);
        if (info.status === 'RUNNING') return;
        await ctx.client.runs.update(this.remoteIdOf(replica), { status: info.status, ...(info.endTime === null ? {} : { endTime: info.endTime }) });
        return;
      }
    }
  }

  /** Tells the user where a run is, as soon as it exists on the server. */
  private announce(replica: Replica, experimentId: string, remoteId: string): void {
    const url = mlflowRunUrl(this.trackingUri, experimentId, remoteId);
    this.emit({ kind: 'created', runId: replica.localId, url, message: `run "${replica.name}" → ${url}` });
  }

  private remoteIdOf(replica: Replica): string {
    const id = this.ctx.remoteIds.get(replica.localId);
    // The create op precedes every other op of a run in the queue; without an id the run must
    // be reconciled (which creates it).
    if (id === undefined) throw new MissingRemoteRun();
    return id;
  }

  private onFailure(replica: Replica, e: unknown): void {
    if (e instanceof MissingRemoteRun) {
      replica.dirty = true;
      if (this.online) this.queueReconcile(replica);
      return;
    }
    const err = trackingServerError(e, this.trackingUri, `Logging run ${replica.localId} ("${replica.name}") to MLflow`, replica.localId);
    if (isTransient(e) || (err as { reason?: string }).reason === 'server-unreachable') {
      replica.dirty = true; // the failed request may or may not have landed: reconcile decides
      this.goOffline(err);
      return;
    }
    if (isFatalForTracker(err)) {
      this.fatal = err;
      this.queue.length = 0;
      this.emit({ kind: 'fatal', message: `${err.message} Runs continue in the local store only; fix it and run \`wus sync\`.`, error: err });
      return;
    }
    replica.failed = err;
    this.emit({
      kind: 'run-failed',
      runId: replica.localId,
      message: `${err.message} The run continues in the local store only.`,
      error: err,
    });
  }

  private goOffline(err: Error): void {
    // Everything queued is dropped: the local store has it, and each affected run is
    // reconciled when the server is back.
    for (const t of this.queue.splice(0)) t.replica.dirty = true;
    for (const r of this.replicas) if (r.reconciling) ((r.reconciling = false), (r.dirty = true));
    if (this.online) {
      this.online = false;
      this.emit({
        kind: 'offline',
        message:
          `MLflow server ${this.trackingUri} unreachable (${err.message.split('\n')[0]}); runs continue in the local store, ` +
          `retrying every ${(this.probeIntervalMs / 1000).toFixed(0)} s.`,
        error: err,
      });
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== undefined || this.fatal !== undefined) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.probeNow().then((up) => {
        if (!up) this.scheduleProbe();
      });
    }, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  /** One health check; on success, goes online and queues a reconcile of every dirty run. */
  private probeNow(): Promise<boolean> {
    this.probing ??= (async () => {
      try {
        await this.ctx.client.health({ retries: 0 });
      } catch {
        return false;
      }
      if (!this.online) {
        this.online = true;
        const dirty = this.replicas.filter((r) => r.dirty && r.failed === undefined);
        this.emit({ kind: 'online', message: `MLflow server ${this.trackingUri} is back; replaying ${dirty.length} run(s) from the local store.` });
        for (const r of dirty) this.queueReconcile(r);
        void this.kick();
      }
      return true;
    })().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private queueReconcile(replica: Replica): void {
    if (replica.reconciling || replica.failed !== undefined) return;
    replica.reconciling = true;
    replica.dirty = true;
    this.queue.push({ replica, op: { kind: 'reconcile' } });
    void this.kick();
  }
}

class MissingRemoteRun extends Error {}

/** A run of the MlflowTracker: local first (validated, durable), then queued for MLflow. */
class MlflowRunHandle implements RunHandle {
  readonly id: string;
  readonly experiment: string;

  constructor(
    private readonly tracker: MlflowTracker,
    private readonly replica: Replica,
    private readonly local: RunHandle,
    private readonly now: () => number,
  ) {
    this.id = local.id;
    this.experiment = local.experiment;
  }

  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    const normalized = normalizeParams(params, this.id);
    await this.local.logParams(params);
    this.tracker.submit(this.replica, { kind: 'batch', params: normalized });
  }

  async setTags(tags: Readonly<Record<string, TagValue>>): Promise<void> {
    const normalized = normalizeTags(tags, this.id);
    await this.local.setTags(tags);
    this.tracker.submit(this.replica, { kind: 'batch', tags: normalized });
  }

  async logMetrics(points: readonly MetricPoint[]): Promise<void> {
    // Timestamps are fixed here so the local copy and MLflow hold identical points.
    const normalized = normalizeMetrics(points, this.now(), this.id);
    if (normalized.length === 0) return;
    await this.local.logMetrics(normalized);
    this.tracker.submit(this.replica, { kind: 'batch', metrics: normalized });
  }

  async logArtifact(name: string, data: Uint8Array | string): Promise<void> {
    await this.local.logArtifact(name, data);
    this.tracker.submit(this.replica, { kind: 'artifact', name });
  }

  async logInputs(datasets: readonly DatasetInput[]): Promise<void> {
    const normalized = normalizeDatasetInputs(datasets, this.id);
    await this.local.logInputs(normalized);
    this.tracker.submit(this.replica, { kind: 'inputs', datasets: normalized });
  }

  async logModel(model: ModelSpec): Promise<void> {
    normalizeModel(model, this.id);
    await this.local.logModel(model);
    this.tracker.submit(this.replica, { kind: 'model', name: model.name });
  }

  async flush(): Promise<void> {
    await this.local.flush();
    await this.tracker.afterFlush();
  }

  async end(status: TerminalRunStatus): Promise<void> {
    const first = !this.replica.ended;
    await this.local.end(status);
    if (!first) return;
    this.tracker.submit(this.replica, { kind: 'end' });
    await this.tracker.afterEnd(this.replica);
  }
}
