import { z } from 'zod';
import { int64, keyValueRecord } from '../rest/json.js';

export type LifecycleStage = 'active' | 'deleted';

/** Which entities a search returns (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  /** Where runs' artifacts go, e.g. `mlflow-artifacts:/1` on a server with --serve-artifacts. */
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  /** Milliseconds since the epoch. */
  readonly creationTime: number | undefined;
  readonly lastUpdateTime: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export interface SearchExperimentsOptions {
  /** MLflow search syntax, e.g. `name LIKE 'wus-%'` or `tags.team = 'ml'`. */
  readonly filter?: string;
  /** e.g. `['name ASC', 'last_update_time DESC']`. */
  readonly orderBy?: readonly string[];
  /** Page size (default 1000). */
  readonly maxResults?: number;
  readonly pageToken?: string;
  /** Default ACTIVE_ONLY. */
  readonly viewType?: ViewType;
}

export const experimentSchema = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string().optional(),
    lifecycle_stage: z.string().optional(),
    creation_time: int64.optional(),
    last_update_time: int64.optional(),
    tags: keyValueRecord,
  })
  .transform(
    (e): Experiment => ({
      experimentId: e.experiment_id,
      name: e.name,
      artifactLocation: e.artifact_location ?? '',
      lifecycleStage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      creationTime: e.creation_time,
      lastUpdateTime: e.last_update_time,
      tags: e.tags,
    }),
  );
