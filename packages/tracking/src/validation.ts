import { InvalidTrackingInputError } from './errors.js';
import type { StoredModel } from './store-types.js';
import type { DatasetInput, MetricPoint, ModelSpec, ParamValue, TagValue } from './tracker.js';

/** MLflow's limits (https://mlflow.org/docs/latest/rest-api.html), kept so `wus sync` never fails. */
export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 5000,
  runNameLength: 250,
  experimentNameLength: 200,
  artifactNameLength: 250,
  /** MLflow's Dataset: name and source ≤ 500 characters, digest ≤ 36, schema and profile ≤ 1 MiB (we keep them far smaller). */
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetJsonLength: 65_536,
  modelNameLength: 250,
} as const;

const KEY_CHARS = /^[A-Za-z0-9_\-. /]+$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_\-. ]+$/;

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return typeof v;
}

/**
 * A param, tag or metric key: MLflow's rule (alphanumerics, `_ - . space /`, at most 250
 * characters) plus no empty, `.` or `..` path segment and no leading `/`.
 */
export function validateKey(kind: 'param' | 'tag' | 'metric', key: unknown, runId?: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidTrackingInputError(`Invalid ${kind} key ${describe(key)}: keys are non-empty strings.`, runId);
  }
  if (key.length > LIMITS.keyLength) {
    throw new InvalidTrackingInputError(
      `Invalid ${kind} key ${describe(key)}: ${key.length} characters, at most ${LIMITS.keyLength} allowed.`,
      runId,
    );
  }
  if (!KEY_CHARS.test(key)) {
    throw new InvalidTrackingInputError(
      `Invalid ${kind} key ${describe(key)}: keys may contain only letters, digits, underscores, ` +
        'dashes, periods, spaces and slashes.',
      runId,
    );
  }
  if (key.startsWith('/') || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidTrackingInputError(
      `Invalid ${kind} key ${describe(key)}: no leading slash and no empty, "." or ".." segment.`,
      runId,
    );
  }
  return key;
}

function stringValue(kind: 'param' | 'tag', key: string, value: unknown, max: number, runId?: string): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else {
    throw new InvalidTrackingInputError(
      `Invalid value for ${kind} "${key}": ${describe(value)}; expected a string, number or boolean` +
        (kind === 'param' ? ' (flatten nested options with flattenParams()).' : '.'),
      runId,
    );
  }
  if (s.length > max) {
    throw new InvalidTrackingInputError(
      `Value of ${kind} "${key}" is ${s.length} characters, at most ${max} allowed; log it as an artifact instead.`,
      runId,
    );
  }
  return s;
}

/** Validates a whole batch first so a bad entry writes nothing. */
export function normalizeParams(params: Readonly<Record<string, ParamValue>>, runId?: string): Record<string, string> {
  assertRecord('params', params, runId);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    out[validateKey('param', k, runId)] = stringValue('param', k, v, LIMITS.paramValueLength, runId);
  }
  return out;
}

export function normalizeTags(tags: Readonly<Record<string, TagValue>>, runId?: string): Record<string, string> {
  assertRecord('tags', tags, runId);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    out[validateKey('tag', k, runId)] = stringValue('tag', k, v, LIMITS.tagValueLength, runId);
  }
  return out;
}

function assertRecord(what: string, v: unknown, runId?: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidTrackingInputError(`Invalid ${what}: expected an object of key → value, got ${describe(v)}.`, runId);
  }
}

/** A metric point as validated, with its timestamp filled in. */
export interface NormalizedMetricPoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
  readonly timestamp: number;
}

export function normalizeMetrics(
  points: readonly MetricPoint[],
  now: number,
  runId?: string,
): NormalizedMetricPoint[] {
  if (!Array.isArray(points)) {
    throw new InvalidTrackingInputError(`Invalid metrics: expected an array of { key, value, step }, got ${describe(points)}.`, runId);
  }
  return points.map((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) {
      throw new InvalidTrackingInputError(`Invalid metric point #${i}: expected { key, value, step }, got ${describe(p)}.`, runId);
    }
    const { key, value, step, timestamp } = p as Record<string, unknown>;
    validateKey('metric', key, runId);
    if (typeof value !== 'number') {
      throw new InvalidTrackingInputError(
        `Invalid value for metric "${String(key)}": ${describe(value)}; metrics are numbers (booleans: log 0 or 1).`,
        runId,
      );
    }
    if (typeof step !== 'number' || !Number.isSafeInteger(step)) {
      throw new InvalidTrackingInputError(`Invalid step for metric "${String(key)}": ${describe(step)}; steps are integers.`, runId);
    }
    if (timestamp !== undefined && (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0)) {
      throw new InvalidTrackingInputError(
        `Invalid timestamp for metric "${String(key)}": ${describe(timestamp)}; expected milliseconds since the epoch.`,
        runId,
      );
    }
    return { key: key as string, value, step, timestamp: (timestamp as number | undefined) ?? now };
  });
}

/** Experiment names become directory names: a portable subset, no leading dot. */
export function validateExperimentName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.length === 0 ||
    name.length > LIMITS.experimentNameLength ||
    !SAFE_SEGMENT.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.startsWith(' ') ||
    name.endsWith(' ')
  ) {
    throw new InvalidTrackingInputError(
      `Invalid experiment name ${describe(name)}: use 1–${LIMITS.experimentNameLength} letters, digits, ` +
        'underscores, dashes, periods or spaces, not starting with a period or ending with a period or space.',
    );
  }
  return name;
}

export function validateRunName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > LIMITS.runNameLength) {
    throw new InvalidTrackingInputError(
      `Invalid run name ${describe(name)}: expected a non-empty string of at most ${LIMITS.runNameLength} characters.`,
    );
  }
  return name;
}

/**
 * Artifact names are relative paths inside the run's `artifacts/` folder: segments of letters,
 * digits, `_ - . space`, none empty or starting with a period (those are reserved for temp files).
 */
export function validateArtifactName(name: unknown, runId?: string): string {
  const bad = (why: string): never => {
    throw new InvalidTrackingInputError(`Invalid artifact name ${describe(name)}: ${why}`, runId);
  };
  if (typeof name !== 'string' || name.length === 0) return bad('expected a non-empty relative path.');
  if (name.length > LIMITS.artifactNameLength) return bad(`at most ${LIMITS.artifactNameLength} characters.`);
  for (const seg of name.split('/')) {
    if (seg === '') return bad('no leading, trailing or double slash.');
    if (seg.startsWith('.')) return bad('no path segment may start with a period (no "..", no hidden files).');
    if (!SAFE_SEGMENT.test(seg)) return bad('use letters, digits, underscores, dashes, periods, spaces and "/".');
  }
  return name;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Checks data-set inputs (MLflow's Dataset limits; source, schema, profile must be JSON); drops undefined fields. */
export function normalizeDatasetInputs(datasets: readonly DatasetInput[], runId?: string): DatasetInput[] {
  if (!Array.isArray(datasets)) throw new InvalidTrackingInputError('Invalid data-set inputs: expected an array.', runId);
  return datasets.map((d) => {
    const bad = (why: string): never => {
      throw new InvalidTrackingInputError(`Invalid data-set input ${describe(d?.name)}: ${why}`, runId);
    };
    const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
    if (!text(d?.name, LIMITS.datasetNameLength)) bad(`name must be 1–${LIMITS.datasetNameLength} characters.`);
    if (!text(d.digest, LIMITS.datasetDigestLength)) bad(`digest must be 1–${LIMITS.datasetDigestLength} characters.`);
    if (!text(d.sourceType, 100) || !text(d.context, 100)) bad('sourceType and context are required.');
    for (const field of ['source', 'schema', 'profile'] as const) {
      const v = d[field];
      if (v === undefined && field !== 'source') continue;
      if (!text(v, LIMITS.datasetJsonLength) || !isJson(v as string)) bad(`${field} must be JSON of at most ${LIMITS.datasetJsonLength} characters.`);
    }
    return {
      name: d.name,
      digest: d.digest,
      sourceType: d.sourceType,
      source: d.source,
      ...(d.schema === undefined ? {} : { schema: d.schema }),
      ...(d.profile === undefined ? {} : { profile: d.profile }),
      context: d.context,
    };
  });
}

/** Checks a model before anything is written: its record for `models.json` and its files as artifact names. */
export function normalizeModel(model: ModelSpec, runId?: string): { record: StoredModel; files: [string, Uint8Array | string][] } {
  const bad = (why: string): never => {
    throw new InvalidTrackingInputError(`Invalid model ${describe(model?.name)}: ${why}`, runId);
  };
  if (typeof model?.name !== 'string' || model.name.trim() === '' || model.name.length > LIMITS.modelNameLength) bad(`a name of 1–${LIMITS.modelNameLength} characters is required.`);
  const artifactPath = validateArtifactName(model.artifactPath, runId);
  const entries = Object.entries(model.files ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) bad('it has no files.');
  const files = entries.map(([rel, data]): [string, Uint8Array | string] => {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) bad(`file "${rel}" is not a string or bytes.`);
    return [validateArtifactName(`${artifactPath}/${rel}`, runId), data];
  });
  if (model.step !== undefined && !Number.isInteger(model.step)) bad('step must be an integer.');
  const record: StoredModel = {
    name: model.name,
    artifactPath,
    files: entries.map(([rel]) => rel),
    ...(model.modelType === undefined ? {} : { modelType: model.modelType }),
    ...(model.step === undefined ? {} : { step: model.step }),
    params: normalizeParams(model.params ?? {}, runId),
    tags: normalizeTags(model.tags ?? {}, runId),
    ...(model.registeredModelName === undefined ? {} : { registeredModelName: model.registeredModelName }),
  };
  return { record, files };
}

/** How a metric value is written to `metrics.jsonl`: JSON has no NaN or Infinity. */
export type EncodedMetricValue = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeMetricValue(v: number): EncodedMetricValue {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeMetricValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/**
 * Flattens nested options into param keys joined with `.`: `{ policy: { tau: 0.01 } }` →
 * `{ 'policy.tau': 0.01 }`. Arrays and other non-scalars become JSON; null, undefined and functions are dropped.
 */
export function flattenParams(obj: Readonly<Record<string, unknown>>, prefix = ''): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'bigint') out[key] = v.toString();
    else if (typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenParams(v as Record<string, unknown>, key));
    else out[key] = JSON.stringify(v) ?? String(v);
  }
  return out;
}
