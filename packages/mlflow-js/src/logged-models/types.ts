import { z } from 'zod';
import { int64, keyValueRecord } from '../rest/json.js';

/** MLflow's LoggedModelStatus without its `LOGGED_MODEL_` prefix. */
export type LoggedModelStatus = 'PENDING' | 'READY' | 'UPLOAD_FAILED' | 'UNSPECIFIED';

/**
 * An MLflow 3 logged model: a model with its own id (`m-…`), artifact location, params and
 * tags, produced by a run (`sourceRunId`) and listed on that run's page once the run logs it
 * as an output (`runs.logOutputs`).
 */
export interface LoggedModel {
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  /** e.g. `mlflow-artifacts:/1/models/m-…/artifacts`: where its files go. */
  readonly artifactUri: string;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string;
  readonly modelType: string;
  readonly sourceRunId: string;
  readonly creationTimestamp: number | undefined;
  readonly lastUpdatedTimestamp: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

export interface CreateLoggedModelOptions {
  readonly experimentId: string;
  /** Default: a name the server makes up. */
  readonly name?: string;
  /** Free text such as `tfjs`; shown in the UI's model list. */
  readonly modelType?: string;
  /** The run that produced it. */
  readonly sourceRunId?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface SearchLoggedModelsOptions {
  readonly experimentIds: readonly string[];
  /** e.g. `source_run_id = '…' AND name = 'model'`. */
  readonly filter?: string;
  readonly orderBy?: readonly { fieldName: string; ascending?: boolean }[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

const STATUS = {
  LOGGED_MODEL_PENDING: 'PENDING',
  LOGGED_MODEL_READY: 'READY',
  LOGGED_MODEL_UPLOAD_FAILED: 'UPLOAD_FAILED',
  LOGGED_MODEL_STATUS_UNSPECIFIED: 'UNSPECIFIED',
} as const satisfies Record<string, LoggedModelStatus>;

/** The wire name of a status (`READY` → `LOGGED_MODEL_READY`). */
export function loggedModelStatusName(status: Exclude<LoggedModelStatus, 'UNSPECIFIED'>): string {
  return `LOGGED_MODEL_${status}`;
}

export const loggedModelSchema = z
  .object({
    info: z.object({
      model_id: z.string(),
      experiment_id: z.string(),
      name: z.string().optional(),
      artifact_uri: z.string().optional(),
      status: z.string().optional(),
      status_message: z.string().optional(),
      model_type: z.string().optional(),
      source_run_id: z.string().optional(),
      creation_timestamp_ms: int64.optional(),
      last_updated_timestamp_ms: int64.optional(),
      tags: keyValueRecord,
    }),
    data: z.object({ params: keyValueRecord }).optional(),
  })
  .transform(
    ({ info, data }): LoggedModel => ({
      modelId: info.model_id,
      experimentId: info.experiment_id,
      name: info.name ?? '',
      artifactUri: info.artifact_uri ?? '',
      status: STATUS[info.status as keyof typeof STATUS] ?? 'UNSPECIFIED',
      statusMessage: info.status_message ?? '',
      modelType: info.model_type ?? '',
      sourceRunId: info.source_run_id ?? '',
      creationTimestamp: info.creation_timestamp_ms,
      lastUpdatedTimestamp: info.last_updated_timestamp_ms,
      tags: info.tags,
      params: data?.params ?? {},
    }),
  );
