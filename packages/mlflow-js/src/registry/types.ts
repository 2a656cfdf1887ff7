import { z } from 'zod';
import { int64, keyValueRecord } from '../rest/json.js';

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  readonly name: string;
  /** "1", "2", … */
  readonly version: string;
  readonly creationTimestamp: number | undefined;
  readonly lastUpdatedTimestamp: number | undefined;
  readonly userId: string;
  /** Legacy stage ("None", "Staging", …); aliases replace stages. */
  readonly currentStage: string;
  readonly description: string;
  /** Where the model's files are, e.g. `runs:/<runId>/model`. */
  readonly source: string;
  readonly runId: string;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly runLink: string;
  readonly aliases: readonly string[];
  readonly modelId: string;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number | undefined;
  readonly lastUpdatedTimestamp: number | undefined;
  readonly userId: string;
  readonly description: string;
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: Readonly<Record<string, string>>;
  /** alias → version. */
  readonly aliases: Readonly<Record<string, string>>;
}

export interface SearchRegistryOptions {
  /** e.g. `name LIKE 'wus-%'`, or for versions `name = 'x' and run_id = '…'`. */
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

export const modelVersionSchema = z
  .object({
    name: z.string(),
    version: z.union([z.string(), z.number()]).transform(String),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: z.string().optional(),
    current_stage: z.string().optional(),
    description: z.string().optional(),
    source: z.string().optional(),
    run_id: z.string().optional(),
    status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']).optional(),
    status_message: z.string().optional(),
    tags: keyValueRecord,
    run_link: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    model_id: z.string().optional(),
  })
  .transform(
    (v): ModelVersion => ({
      name: v.name,
      version: v.version,
      creationTimestamp: v.creation_timestamp,
      lastUpdatedTimestamp: v.last_updated_timestamp,
      userId: v.user_id ?? '',
      currentStage: v.current_stage ?? 'None',
      description: v.description ?? '',
      source: v.source ?? '',
      runId: v.run_id ?? '',
      status: v.status ?? 'READY',
      statusMessage: v.status_message ?? '',
      tags: v.tags,
      runLink: v.run_link ?? '',
      aliases: v.aliases ?? [],
      modelId: v.model_id ?? '',
    }),
  );

export const registeredModelSchema = z
  .object({
    name: z.string(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    user_id: z.string().optional(),
    description: z.string().optional(),
    latest_versions: z.array(modelVersionSchema).optional(),
    tags: keyValueRecord,
    aliases: z.array(z.object({ alias: z.string(), version: z.union([z.string(), z.number()]).transform(String) })).optional(),
  })
  .transform(
    (m): RegisteredModel => ({
      name: m.name,
      creationTimestamp: m.creation_timestamp,
      lastUpdatedTimestamp: m.last_updated_timestamp,
      userId: m.user_id ?? '',
      description: m.description ?? '',
      latestVersions: m.latest_versions ?? [],
      tags: m.tags,
      aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, a.version])),
    }),
  );
