import { LIMITS } from '../rest/limits.js';

/** What one log-batch request may hold (MLflow's limits by default). */
export interface BatchLimits {
  readonly metrics: number;
  readonly params: number;
  readonly tags: number;
  readonly entities: number;
  /** Upper bound of the JSON body size. */
  readonly bytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  metrics: LIMITS.metricsPerBatch,
  params: LIMITS.paramsPerBatch,
  tags: LIMITS.tagsPerBatch,
  entities: LIMITS.entitiesPerBatch,
  // Headroom for the envelope (run_id, field names) below the server's 1 MB.
  bytes: LIMITS.batchRequestBytes - 10_000,
};

export interface BatchChunk<M, P, T> {
  readonly metrics: M[];
  readonly params: P[];
  readonly tags: T[];
}

/**
 * Splits a batch into requests that respect every limit, keeping the order within each kind
 * (MLflow applies a request's entries in order, and requests are sent one after another, so
 * the last value of a tag wins as if sent at once). Params and tags go first, as in MLflow's
 * Python client, so a run's params are there before its metrics. `size(x)` is the JSON size of
 * one entry.
 */
export function splitBatch<M, P, T>(
  input: { readonly metrics?: readonly M[]; readonly params?: readonly P[]; readonly tags?: readonly T[] },
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  size: (entry: M | P | T) => number = (e) => JSON.stringify(e).length + 1,
): BatchChunk<M, P, T>[] {
  const metrics = [...(input.metrics ?? [])];
  const params = [...(input.params ?? [])];
  const tags = [...(input.tags ?? [])];
  const chunks: BatchChunk<M, P, T>[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < metrics.length || p < params.length || t < tags.length) {
    const chunk: BatchChunk<M, P, T> = { metrics: [], params: [], tags: [] };
    let bytes = 0;
    let entities = 0;
    const fits = (entry: M | P | T): boolean => {
      const s = size(entry);
      // A single entry larger than the budget still goes alone: the server is the judge.
      if (entities > 0 && bytes + s > limits.bytes) return false;
      bytes += s;
      entities++;
      return true;
    };
    while (p < params.length && chunk.params.length < limits.params && entities < limits.entities && fits(params[p] as P)) {
      chunk.params.push(params[p++] as P);
    }
    while (t < tags.length && chunk.tags.length < limits.tags && entities < limits.entities && fits(tags[t] as T)) {
      chunk.tags.push(tags[t++] as T);
    }
    while (m < metrics.length && chunk.metrics.length < limits.metrics && entities < limits.entities && fits(metrics[m] as M)) {
      chunk.metrics.push(metrics[m++] as M);
    }
    chunks.push(chunk);
  }
  return chunks;
}
