import { z } from 'zod';
import { metricSchema, type Metric } from '../metrics/types.js';
import { int64, keyValueRecord } from '../rest/json.js';
import type { LifecycleStage, ViewType } from '../experiments/types.js';

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

export interface RunInfo {
  readonly runId: string;
  readonly runName: string;
  readonly experimentId: string;
  readonly userId: string;
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  /** e.g. `mlflow-artifacts:/1/<runId>/artifacts`. */
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

export interface RunData {
  /** The latest point of each metric key (use metric history for every point). */
  readonly metrics: readonly Metric[];
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** A data set a run used (MLflow's Dataset message). */
export interface Dataset {
  readonly name: string;
  /** Identifies the content (≤ 36 characters). */
  readonly digest: string;
  /** e.g. `local`, `http`, `s3`. */
  readonly sourceType: string;
  /** JSON describing where it came from, e.g. `{"uri": "..."}`. */
  readonly source: string;
  /** JSON schema (optional). */
  readonly schema?: string;
  /** JSON summary such as `{"num_rows": 60000}` (optional). */
  readonly profile?: string;
}

export interface DatasetInput {
  readonly dataset: Dataset;
  /** e.g. `{ 'mlflow.data.context': 'train' }`. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface RunInputs {
  readonly datasetInputs: readonly DatasetInput[];
  readonly modelInputs: readonly { readonly modelId: string }[];
}

/** A logged model a run produced, at a step (MLflow 3's ModelOutput). */
export interface ModelOutput {
  readonly modelId: string;
  readonly step?: number;
}

export interface RunOutputs {
  readonly modelOutputs: readonly { readonly modelId: string; readonly step: number }[];
}

export interface Run {
  readonly info: RunInfo;
  readonly data: RunData;
  readonly inputs: RunInputs;
  readonly outputs: RunOutputs;
}

export interface CreateRunOptions {
  readonly experimentId: string;
  readonly runName?: string;
  /** Default: now. */
  readonly startTime?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Makes it a nested run: sets the tag `mlflow.parentRunId`. */
  readonly parentRunId?: string;
  readonly userId?: string;
}

export interface UpdateRunOptions {
  readonly status?: RunStatus;
  readonly endTime?: number;
  readonly runName?: string;
}

export interface SearchRunsOptions {
  readonly experimentIds: readonly string[];
  /** MLflow search syntax, e.g. `metrics.accuracy > 0.9 and tags.policy = 'wus'`. */
  readonly filter?: string;
  /** e.g. `['metrics.accuracy DESC', 'attributes.start_time ASC']`. */
  readonly orderBy?: readonly string[];
  /** Page size, at most 50 000 (server default 1000). */
  readonly maxResults?: number;
  readonly pageToken?: string;
  /** Default ACTIVE_ONLY. */
  readonly viewType?: ViewType;
}

const datasetSchema = z.object({
  name: z.string().optional(),
  digest: z.string().optional(),
  source_type: z.string().optional(),
  source: z.string().optional(),
  schema: z.string().optional(),
  profile: z.string().optional(),
});

export const runInfoSchema = z
  .object({
    run_id: z.string().optional(),
    run_uuid: z.string().optional(),
    run_name: z.string().optional(),
    experiment_id: z.string(),
    user_id: z.string().optional(),
    status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]).optional(),
    start_time: int64.optional(),
    end_time: int64.optional(),
    artifact_uri: z.string().optional(),
    lifecycle_stage: z.string().optional(),
  })
  .refine((r) => r.run_id !== undefined || r.run_uuid !== undefined, { message: 'run_id missing' })
  .transform(
    (r): RunInfo => ({
      runId: (r.run_id ?? r.run_uuid) as string,
      runName: r.run_name ?? '',
      experimentId: r.experiment_id,
      userId: r.user_id ?? '',
      status: r.status ?? 'RUNNING',
      startTime: r.start_time,
      endTime: r.end_time,
      artifactUri: r.artifact_uri ?? '',
      lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    }),
  );

export const runSchema = z
  .object({
    info: runInfoSchema,
    data: z
      .object({ metrics: z.array(metricSchema).optional(), params: keyValueRecord, tags: keyValueRecord })
      .optional(),
    inputs: z
      .object({
        dataset_inputs: z.array(z.object({ tags: keyValueRecord, dataset: datasetSchema.optional() })).optional(),
        model_inputs: z.array(z.object({ model_id: z.string().optional() })).optional(),
      })
      .optional(),
    outputs: z.object({ model_outputs: z.array(z.object({ model_id: z.string().optional(), step: int64.optional() })).optional() }).optional(),
  })
  .transform(
    (r): Run => ({
      info: r.info,
      data: { metrics: r.data?.metrics ?? [], params: r.data?.params ?? {}, tags: r.data?.tags ?? {} },
      inputs: {
        datasetInputs: (r.inputs?.dataset_inputs ?? []).map((d) => ({
          tags: d.tags,
          dataset: {
            name: d.dataset?.name ?? '',
            digest: d.dataset?.digest ?? '',
            sourceType: d.dataset?.source_type ?? '',
            source: d.dataset?.source ?? '',
            ...(d.dataset?.schema === undefined ? {} : { schema: d.dataset.schema }),
            ...(d.dataset?.profile === undefined ? {} : { profile: d.dataset.profile }),
          },
        })),
        modelInputs: (r.inputs?.model_inputs ?? []).map((m) => ({ modelId: m.model_id ?? '' })),
      },
      outputs: { modelOutputs: (r.outputs?.model_outputs ?? []).map((m) => ({ modelId: m.model_id ?? '', step: m.step ?? 0 })) },
    }),
  );
