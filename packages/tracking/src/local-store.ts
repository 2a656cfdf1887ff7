import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidTrackingInputError, ParamConflictError, RunNotFoundError, StoreError } from './errors.js';
import { ioError, isTempFileName, readJson, writeFileAtomic, writeJsonAtomic } from './fs-util.js';
import { MetricsAppender, encodeMetricLine, groupMetrics, readMetricsFile } from './metrics-file.js';
import { isProcessAlive as defaultIsProcessAlive } from './process-state.js';
import {
  STORE_FORMAT_VERSION,
  type ArtifactInfo,
  type ExperimentInfo,
  type ListRunsFilter,
  type ProcessState,
  type ReplicaRecord,
  type RunDetails,
  type StoredModel,
  type RunInfo,
  type RunMeta,
  type RunReader,
  type StoreIssue,
} from './store-types.js';
import type {
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
import {
  normalizeDatasetInputs,
  normalizeMetrics,
  normalizeModel,
  normalizeParams,
  normalizeTags,
  validateArtifactName,
  validateExperimentName,
  validateRunName,
} from './validation.js';

/** File names inside a run folder. */
export const RUN_FILES = {
  meta: 'meta.json',
  params: 'params.json',
  tags: 'tags.json',
  metrics: 'metrics.jsonl',
  artifacts: 'artifacts',
  inputs: 'inputs.json',
  models: 'models.json',
  replicas: 'mlflow.json',
} as const;

const TERMINAL: readonly TerminalRunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];
const STATUSES: readonly RunStatus[] = ['RUNNING', ...TERMINAL];
const RUN_ID = /^[0-9a-f-]+$/i;

export interface LocalRunStoreOptions {
  /** Folder holding `<experiment>/<runId>/`; see defaultRunStoreRoot(). */
  readonly root: string;
  /** metrics.jsonl is fsynced at most this often while a run is live (always on flush/end). Default 1000. */
  readonly fsyncIntervalMs?: number;
  /** Clock for start/end times and default metric timestamps (tests). */
  readonly now?: () => number;
  /** Liveness probe for RUNNING runs of this host (tests). */
  readonly isProcessAlive?: (pid: number) => boolean;
}

/**
 * Where the app keeps runs: `$WUS_HOME/runs` when WUS_HOME is set, else `./.wus/runs`
 * relative to the working directory.
 */
export function defaultRunStoreRoot(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const home = env['WUS_HOME'];
  return home !== undefined && home !== '' ? resolve(cwd, home, 'runs') : resolve(cwd, '.wus', 'runs');
}

/**
 * The default tracker: a crash-safe run store on the local disk, and the reader that
 * `wus runs` / `wus sync` use. Layout and guarantees: see the package README.
 */
export class LocalRunStore implements Tracker, RunReader {
  readonly root: string;
  private readonly fsyncIntervalMs: number;
  private readonly now: () => number;
  private readonly alive: (pid: number) => boolean;
  private readonly hostname = osHostname();

  constructor(options: LocalRunStoreOptions | string) {
    const o: LocalRunStoreOptions = typeof options === 'string' ? { root: options } : options;
    this.root = resolve(o.root);
    this.fsyncIntervalMs = Math.max(0, o.fsyncIntervalMs ?? 1000);
    this.now = o.now ?? Date.now;
    this.alive = o.isProcessAlive ?? defaultIsProcessAlive;
  }

  // ---------------------------------------------------------------- writing

  async startRun(options: StartRunOptions): Promise<RunHandle> {
    const name = validateRunName(options.name);
    const experiment = validateExperimentName(options.experiment);
    const params = sortKeys(normalizeParams(options.params ?? {}));
    const tags = sortKeys(normalizeTags(options.tags ?? {}));
    let parentRunId: string | null = null;
    if (options.parentRunId !== undefined) {
      parentRunId = (await this.locate(options.parentRunId, { exact: true })).runId;
    }
    const runId = randomUUID();
    const dir = join(this.root, experiment, runId);
    const meta: RunMeta = {
      formatVersion: STORE_FORMAT_VERSION,
      runId,
      name,
      experiment,
      parentRunId,
      status: 'RUNNING',
      startTime: this.now(),
      endTime: null,
      pid: process.pid,
      hostname: this.hostname,
    };
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, RUN_FILES.metrics), '', { flag: 'a' });
    } catch (e) {
      throw ioError('create run folder', dir, e, runId);
    }
    await writeJsonAtomic(join(dir, RUN_FILES.params), params, runId);
    await writeJsonAtomic(join(dir, RUN_FILES.tags), tags, runId);
    // meta.json last: a folder without it is an interrupted start, which readers skip.
    await writeJsonAtomic(join(dir, RUN_FILES.meta), meta, runId);
    return new LocalRunHandle(dir, meta, params, tags, this.fsyncIntervalMs, this.now);
  }

  /**
   * Reopens a run that stopped without finishing (killed, failed, or RUNNING with its process
   * gone) to go on logging to it: its status is RUNNING again, owned by this process. A run
   * another live process still writes, or a FINISHED one, is refused.
   */
  async resumeRun(id: string, options: ResumeRunOptions = {}): Promise<RunHandle> {
    const { dir, runId } = await this.locate(id);
    const info = await this.readInfo(dir);
    if (!info.ok) throw new StoreError('corrupt', `Run ${runId}: ${info.message}. Inspect or remove ${dir}.`, { runId });
    const r = info.info;
    if (r.status === 'FINISHED') throw new StoreError('run-ended', `Run ${runId} finished; there is nothing to resume.`, { runId });
    if (r.status === 'RUNNING' && r.processState !== 'gone' && options.takeOver !== true) {
      throw new StoreError(
        'run-active',
        `Run ${runId} is still being written by process ${r.pid} on ${r.hostname || 'another host'}; stop it first (or wait for it to end).`,
        { runId },
      );
    }
    const issues: StoreIssue[] = [];
    const params = await readStringRecord(join(dir, RUN_FILES.params), issues);
    const tags = await readStringRecord(join(dir, RUN_FILES.tags), issues);
    const { dir: _dir, processState: _state, displayStatus: _display, ...stored } = r;
    const meta: RunMeta = { ...stored, status: 'RUNNING', endTime: null, pid: process.pid, hostname: this.hostname };
    await writeJsonAtomic(join(dir, RUN_FILES.meta), meta, runId);
    return new LocalRunHandle(dir, meta, params, tags, this.fsyncIntervalMs, this.now);
  }

  /** The folder of a run (by id or unique prefix): where its files, and its checkpoints, live. */
  async runFolder(id: string): Promise<{ dir: string; runId: string }> {
    return this.locate(id);
  }

  // ---------------------------------------------------------------- reading

  async listExperiments(): Promise<ExperimentInfo[]> {
    const byName = new Map<string, { runCount: number; lastStartTime: number }>();
    for (const run of await this.listRuns()) {
      const e = byName.get(run.experiment) ?? { runCount: 0, lastStartTime: 0 };
      byName.set(run.experiment, { runCount: e.runCount + 1, lastStartTime: Math.max(e.lastStartTime, run.startTime) });
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, e]) => ({ name, ...e }));
  }

  async listRuns(filter: ListRunsFilter = {}): Promise<RunInfo[]> {
    const experiments =
      filter.experiment !== undefined ? [validateExperimentName(filter.experiment)] : await this.experimentDirs();
    const runs: RunInfo[] = [];
    for (const exp of experiments) {
      for (const runId of await subdirs(join(this.root, exp))) {
        const info = await this.readInfo(join(this.root, exp, runId));
        if (!info.ok) continue; // interrupted start or foreign folder
        const r = info.info;
        if (filter.parentRunId === null && r.parentRunId !== null) continue;
        if (typeof filter.parentRunId === 'string' && r.parentRunId !== filter.parentRunId) continue;
        runs.push(r);
      }
    }
    return runs.sort((a, b) => a.startTime - b.startTime || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  }

  async getRun(id: string): Promise<RunDetails> {
    const { dir, runId } = await this.locate(id);
    const info = await this.readInfo(dir);
    if (!info.ok) {
      throw new StoreError('corrupt', `Run ${runId}: ${info.message}. Inspect or remove ${dir}.`, { runId });
    }
    const issues: StoreIssue[] = [];
    const params = await readStringRecord(join(dir, RUN_FILES.params), issues);
    const tags = await readStringRecord(join(dir, RUN_FILES.tags), issues);
    const m = await readMetricsFile(join(dir, RUN_FILES.metrics));
    issues.push(...m.issues);
    const metrics = groupMetrics(m.points);
    const latestMetrics: Record<string, number> = {};
    for (const [k, pts] of Object.entries(metrics)) {
      const last = pts[pts.length - 1];
      if (last !== undefined) latestMetrics[k] = last.value;
    }
    const artifacts: ArtifactInfo[] = [];
    await walk(dir, '', artifacts, issues);
    const inputs = (await readJsonField(join(dir, RUN_FILES.inputs), 'datasets', issues)) as DatasetInput[];
    const models = (await readJsonField(join(dir, RUN_FILES.models), 'models', issues)) as StoredModel[];
    const replicas = (await readJsonField(join(dir, RUN_FILES.replicas), undefined, issues)) as Record<string, ReplicaRecord>;
    return { info: info.info, params, tags, metrics, latestMetrics, artifacts, inputs, models, replicas, issues };
  }

  async readArtifact(runId: string, name: string): Promise<Buffer> {
    const artifact = validateArtifactName(name, runId);
    const { dir, runId: id } = await this.locate(runId);
    try {
      return await readFile(join(dir, RUN_FILES.artifacts, ...artifact.split('/')));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StoreError(
          'artifact-not-found',
          `Run ${id} has no artifact "${artifact}". \`wus runs show ${id}\` lists its artifacts.`,
          { runId: id },
        );
      }
      throw ioError('read', join(dir, RUN_FILES.artifacts, artifact), e, id);
    }
  }

  /**
   * Remembers where a run lives on an MLflow server (`mlflow.json`, merged per tracking URI).
   * Written by replicators, never by the run's writer, so it may change after the run ended.
   */
  async recordReplica(runId: string, trackingUri: string, record: ReplicaRecord): Promise<void> {
    const { dir, runId: id } = await this.locate(runId, { exact: true });
    const file = join(dir, RUN_FILES.replicas);
    const r = await readJson(file);
    const all = r.ok && typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value) ? (r.value as Record<string, ReplicaRecord>) : {};
    const old = all[trackingUri];
    const next: ReplicaRecord = { ...record, models: { ...(old?.runId === record.runId ? old.models : {}), ...record.models } };
    if (JSON.stringify(old) === JSON.stringify(next)) return;
    await writeJsonAtomic(file, { ...all, [trackingUri]: next }, id);
  }

  /** Status as a person should read it, e.g. `RUNNING (process gone)`. */
  describeStatus(meta: Pick<RunMeta, 'status' | 'pid' | 'hostname'>): string {
    const state = this.processState(meta);
    if (state === undefined || state === 'alive') return meta.status;
    return state === 'gone' ? 'RUNNING (process gone)' : `RUNNING (on host ${meta.hostname})`;
  }

  private processState(meta: Pick<RunMeta, 'status' | 'pid' | 'hostname'>): ProcessState | undefined {
    if (meta.status !== 'RUNNING') return undefined;
    if (meta.hostname !== this.hostname) return 'unknown';
    return this.alive(meta.pid) ? 'alive' : 'gone';
  }

  private async experimentDirs(): Promise<string[]> {
    return (await subdirs(this.root)).filter((d) => !d.startsWith('.'));
  }

  private async readInfo(dir: string): Promise<{ ok: true; info: RunInfo } | { ok: false; message: string }> {
    const file = join(dir, RUN_FILES.meta);
    const r = await readJson(file);
    if (!r.ok) return { ok: false, message: `${file} ${r.missing ? 'is missing' : `is unreadable: ${r.error}`}` };
    const meta = parseMeta(r.value);
    if (typeof meta === 'string') return { ok: false, message: `${file} is not a valid run meta: ${meta}` };
    return {
      ok: true,
      info: { ...meta, dir, processState: this.processState(meta), displayStatus: this.describeStatus(meta) },
    };
  }

  /** Finds a run folder by full id or (unless exact) by a unique prefix. */
  private async locate(id: string, opts: { exact?: boolean } = {}): Promise<{ dir: string; runId: string }> {
    if (typeof id !== 'string' || !RUN_ID.test(id)) throw new RunNotFoundError(String(id), this.root);
    const experiments = await this.experimentDirs();
    for (const exp of experiments) {
      const dir = join(this.root, exp, id);
      if (await exists(join(dir, RUN_FILES.meta))) return { dir, runId: id };
    }
    if (opts.exact === true) throw new RunNotFoundError(id, this.root);
    const matches: { dir: string; runId: string }[] = [];
    const lower = id.toLowerCase();
    for (const exp of experiments) {
      for (const runId of await subdirs(join(this.root, exp))) {
        if (runId.toLowerCase().startsWith(lower) && (await exists(join(this.root, exp, runId, RUN_FILES.meta)))) {
          matches.push({ dir: join(this.root, exp, runId), runId });
        }
      }
    }
    const only = matches[0];
    if (matches.length === 1 && only !== undefined) return only;
    throw new RunNotFoundError(id, this.root, matches.map((m) => m.runId));
  }
}

/** The writer side of one local run. All operations run one after another, in call order. */
class LocalRunHandle implements RunHandle {
  readonly id: string;
  readonly experiment: string;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly metrics: MetricsAppender;
  private endPromise: Promise<void> | undefined;
  private closing = false;
  private endedWith: TerminalRunStatus | undefined;

  constructor(
    private readonly dir: string,
    private meta: RunMeta,
    private params: Record<string, string>,
    private tags: Record<string, string>,
    fsyncIntervalMs: number,
    private readonly now: () => number,
  ) {
    this.id = meta.runId;
    this.experiment = meta.experiment;
    this.metrics = new MetricsAppender(join(dir, RUN_FILES.metrics), fsyncIntervalMs, meta.runId);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const p = this.chain.then(op);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new StoreError(
        'run-ended',
        `Run ${this.id} has already ended${this.endedWith === undefined ? '' : ` (${this.endedWith})`}; ` +
          'nothing more can be logged to it. Start a new run.',
        { runId: this.id },
      );
    }
  }

  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    this.assertOpen();
    const incoming = normalizeParams(params, this.id);
    return this.enqueue(async () => {
      let changed = false;
      for (const [k, v] of Object.entries(incoming)) {
        const old = this.params[k];
        if (old !== undefined && old !== v) throw new ParamConflictError(this.id, k, old, v);
        if (old === undefined) changed = true;
      }
      if (!changed) return;
      const next = sortKeys({ ...this.params, ...incoming });
      await writeJsonAtomic(join(this.dir, RUN_FILES.params), next, this.id);
      this.params = next;
    });
  }

  async setTags(tags: Readonly<Record<string, TagValue>>): Promise<void> {
    this.assertOpen();
    const incoming = normalizeTags(tags, this.id);
    return this.enqueue(async () => {
      if (Object.entries(incoming).every(([k, v]) => this.tags[k] === v)) return;
      const next = sortKeys({ ...this.tags, ...incoming });
      await writeJsonAtomic(join(this.dir, RUN_FILES.tags), next, this.id);
      this.tags = next;
    });
  }

  async logMetrics(points: readonly MetricPoint[]): Promise<void> {
    this.assertOpen();
    const lines = normalizeMetrics(points, this.now(), this.id).map(encodeMetricLine).join('');
    if (lines === '') return;
    return this.enqueue(() => this.metrics.append(lines));
  }

  async logArtifact(name: string, data: Uint8Array | string): Promise<void> {
    this.assertOpen();
    const artifact = validateArtifactName(name, this.id);
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      throw new InvalidTrackingInputError(
        `Invalid content for artifact "${artifact}": expected a string or bytes (Uint8Array/Buffer).`,
        this.id,
      );
    }
    return this.enqueue(() =>
      writeFileAtomic(join(this.dir, RUN_FILES.artifacts, ...artifact.split('/')), data, this.id),
    );
  }

  async logInputs(datasets: readonly DatasetInput[]): Promise<void> {
    this.assertOpen();
    const incoming = normalizeDatasetInputs(datasets, this.id);
    return this.enqueue(async () => {
      // Read back, not kept in memory: a handle of a resumed run sees what was logged before.
      const file = join(this.dir, RUN_FILES.inputs);
      const current = (await readJsonField(file, 'datasets', [])) as DatasetInput[];
      const key = (d: DatasetInput) => `${d.name}\u0000${d.digest}\u0000${d.context}`;
      const known = new Set(current.map(key));
      const fresh = incoming.filter((d) => !known.has(key(d)));
      if (fresh.length === 0) return;
      await writeJsonAtomic(file, { datasets: [...current, ...fresh] }, this.id);
    });
  }

  async logModel(model: ModelSpec): Promise<void> {
    this.assertOpen();
    const { record, files } = normalizeModel(model, this.id);
    return this.enqueue(async () => {
      for (const [name, data] of files) await writeFileAtomic(join(this.dir, RUN_FILES.artifacts, ...name.split('/')), data, this.id);
      // The record last: a model is listed once all its files are there. Same name: replaced.
      const file = join(this.dir, RUN_FILES.models);
      const current = (await readJsonField(file, 'models', [])) as StoredModel[];
      await writeJsonAtomic(file, { models: [...current.filter((m) => m.name !== record.name), record] }, this.id);
    });
  }

  async flush(): Promise<void> {
    this.assertOpen();
    return this.enqueue(() => this.metrics.sync());
  }

  end(status: TerminalRunStatus): Promise<void> {
    if (!TERMINAL.includes(status)) {
      return Promise.reject(
        new InvalidTrackingInputError(`Invalid end status ${JSON.stringify(status)}: use ${TERMINAL.join(', ')}.`, this.id),
      );
    }
    if (this.endedWith !== undefined) return Promise.resolve();
    if (this.endPromise !== undefined) return this.endPromise;
    this.closing = true;
    const p = this.enqueue(async () => {
      await this.metrics.close();
      const meta: RunMeta = { ...this.meta, status, endTime: this.now() };
      await writeJsonAtomic(join(this.dir, RUN_FILES.meta), meta, this.id);
      this.meta = meta;
      this.endedWith = status;
    });
    this.endPromise = p;
    // A failed end (disk full…) may be retried; logging stays closed either way.
    p.catch(() => {
      if (this.endPromise === p && this.endedWith === undefined) this.endPromise = undefined;
    });
    return p;
  }
}

function sortKeys(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k] as string;
  return out;
}

function parseMeta(v: unknown): RunMeta | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const o = v as Record<string, unknown>;
  const str = (k: string): boolean => typeof o[k] === 'string';
  const num = (k: string): boolean => typeof o[k] === 'number' && Number.isFinite(o[k]);
  if (!str('runId')) return 'runId missing';
  if (!str('name') || !str('experiment')) return 'name or experiment missing';
  if (!(o['parentRunId'] === null || o['parentRunId'] === undefined || str('parentRunId'))) return 'bad parentRunId';
  if (!STATUSES.includes(o['status'] as RunStatus)) return `unknown status ${JSON.stringify(o['status'])}`;
  if (!num('startTime')) return 'startTime missing';
  if (!num('pid')) return 'pid missing';
  return {
    formatVersion: num('formatVersion') ? (o['formatVersion'] as number) : STORE_FORMAT_VERSION,
    runId: o['runId'] as string,
    name: o['name'] as string,
    experiment: o['experiment'] as string,
    parentRunId: (o['parentRunId'] as string | null | undefined) ?? null,
    status: o['status'] as RunStatus,
    startTime: o['startTime'] as number,
    endTime: num('endTime') ? (o['endTime'] as number) : null,
    pid: o['pid'] as number,
    hostname: str('hostname') ? (o['hostname'] as string) : '',
  };
}

async function readStringRecord(file: string, issues: StoreIssue[]): Promise<Record<string, string>> {
  const r = await readJson(file);
  if (!r.ok) {
    issues.push({
      kind: r.missing ? 'unreadable-file' : 'corrupt-file',
      file,
      message: `${file} ${r.missing ? 'is missing' : `is unreadable: ${r.error}`}; read as empty`,
    });
    return {};
  }
  if (typeof r.value !== 'object' || r.value === null || Array.isArray(r.value)) {
    issues.push({ kind: 'corrupt-file', file, message: `${file} is not a JSON object; read as empty` });
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.value)) {
    if (typeof v === 'string') out[k] = v;
    else issues.push({ kind: 'corrupt-file', file, message: `${file}: value of "${k}" is not a string; ignored` });
  }
  return out;
}

/**
 * The array `field` of a JSON object file (or the object itself when `field` is undefined);
 * a missing file reads as empty, a corrupt one as empty with an issue.
 */
async function readJsonField(file: string, field: string | undefined, issues: StoreIssue[]): Promise<unknown> {
  const empty = field === undefined ? {} : [];
  const r = await readJson(file);
  if (!r.ok) {
    if (!r.missing) issues.push({ kind: 'corrupt-file', file, message: `${file} is unreadable: ${r.error}; read as empty` });
    return empty;
  }
  const value = field === undefined ? r.value : (r.value as Record<string, unknown> | null)?.[field];
  const ok = field === undefined ? typeof value === 'object' && value !== null && !Array.isArray(value) : Array.isArray(value);
  if (!ok) {
    issues.push({ kind: 'corrupt-file', file, message: `${file} is not what wus writes there; read as empty` });
    return empty;
  }
  return value;
}

/** Collects artifacts (under `artifacts/`) and leftover temp files (anywhere in the run folder). */
async function walk(runDir: string, rel: string, artifacts: ArtifactInfo[], issues: StoreIssue[]): Promise<void> {
  const dir = rel === '' ? runDir : join(runDir, ...rel.split('/'));
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
    const path = join(dir, e.name);
    if (e.isFile() && isTempFileName(e.name)) {
      issues.push({
        kind: 'leftover-temp-file',
        file: path,
        message: `${path} is a temp file left by an interrupted write; ignored (safe to delete)`,
      });
    } else if (e.isDirectory() && (rel !== '' || e.name === RUN_FILES.artifacts)) {
      await walk(runDir, relPath, artifacts, issues);
    } else if (e.isFile() && rel !== '') {
      const s = await stat(path).catch(() => undefined);
      artifacts.push({ name: relPath.slice(RUN_FILES.artifacts.length + 1), size: s?.size ?? 0, path });
    }
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
