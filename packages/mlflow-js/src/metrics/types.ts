import { z } from 'zod';
import { double, int64 } from '../rest/json.js';

/** One logged metric point. MLflow identifies a point by (key, step, timestamp, value). */
export interface Metric {
  readonly key: string;
  /** NaN is kept; ±Infinity are stored by MLflow's SQL store as ±1.7976931348623157e308. */
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
  readonly modelId?: string;
  readonly runId?: string;
}

/** A point to log: the timestamp defaults to now, the step to 0. */
export interface MetricInput {
  readonly key: string;
  readonly value: number;
  readonly timestamp?: number;
  readonly step?: number;
  readonly datasetName?: string;
  readonly datasetDigest?: string;
  readonly modelId?: string;
}

export const metricSchema = z
  .object({
    key: z.string(),
    value: double.optional(),
    timestamp: int64.optional(),
    step: int64.optional(),
    dataset_name: z.string().optional(),
    dataset_digest: z.string().optional(),
    model_id: z.string().optional(),
    run_id: z.string().optional(),
  })
  .transform(
    (m): Metric => ({
      key: m.key,
      value: m.value ?? 0,
      timestamp: m.timestamp ?? 0,
      step: m.step ?? 0,
      ...(m.dataset_name === undefined ? {} : { datasetName: m.dataset_name }),
      ...(m.dataset_digest === undefined ? {} : { datasetDigest: m.dataset_digest }),
      ...(m.model_id === undefined ? {} : { modelId: m.model_id }),
      ...(m.run_id === undefined ? {} : { runId: m.run_id }),
    }),
  );
