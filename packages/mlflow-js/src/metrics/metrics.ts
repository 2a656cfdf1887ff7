import { z } from 'zod';
import { ENDPOINTS } from '../rest/endpoints.js';
import type { RestClient } from '../rest/http.js';
import { collectPages, empty, encodeDouble, pageToken, type Page } from '../rest/json.js';
import { DEFAULT_BATCH_LIMITS, splitBatch, type BatchLimits } from './batch.js';
import { metricSchema, type Metric, type MetricInput } from './types.js';

const historyResponse = z.object({ metrics: z.array(metricSchema).optional(), next_page_token: pageToken });

/** Page size the client uses to read a whole history (as MLflow's Python client). */
export const METRIC_HISTORY_PAGE_SIZE = 25_000;

export interface LogBatchInput {
  readonly metrics?: readonly MetricInput[];
  readonly params?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Metrics: log one, log a batch (split to the server's limits), read the history with paging. */
export class MetricsApi {
  constructor(
    private readonly rest: RestClient,
    private readonly now: () => number = Date.now,
    private readonly limits: BatchLimits = DEFAULT_BATCH_LIMITS,
  ) {}

  async log(runId: string, metric: MetricInput): Promise<void> {
    await this.rest.call(ENDPOINTS.logMetric, { run_id: runId, ...this.metricJson(metric) }, empty);
  }

  /**
   * Logs metrics, params and tags in as few log-batch requests as the limits allow (1000
   * metrics, 100 params, 100 tags, 1000 entries, < 1 MB each), one request after another.
   * Returns the number of requests sent. A failed request rejects; the requests before it
   * have been applied (re-sending them is harmless: params with the same value and identical
   * metric points are accepted again without duplicates by MLflow's SQL store).
   */
  async logBatch(runId: string, batch: LogBatchInput): Promise<number> {
    const chunks = splitBatch(
      {
        metrics: (batch.metrics ?? []).map((m) => this.metricJson(m)),
        params: Object.entries(batch.params ?? {}).map(([key, value]) => ({ key, value })),
        tags: Object.entries(batch.tags ?? {}).map(([key, value]) => ({ key, value })),
      },
      this.limits,
    );
    for (const chunk of chunks) {
      await this.rest.call(ENDPOINTS.logBatch, { run_id: runId, ...chunk }, empty);
    }
    return chunks.length;
  }

  /** One page of a metric's history. Without `maxResults` the server returns every point at once. */
  async history(runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
    const r = await this.rest.call(
      ENDPOINTS.getMetricHistory,
      { run_id: runId, metric_key: key, max_results: options.maxResults, page_token: options.pageToken },
      historyResponse,
    );
    return { items: r.metrics ?? [], nextPageToken: r.next_page_token };
  }

  /** Every point of a metric, following pages of `pageSize`. */
  async historyAll(runId: string, key: string, pageSize: number = METRIC_HISTORY_PAGE_SIZE): Promise<Metric[]> {
    return collectPages((token) => this.history(runId, key, { maxResults: pageSize, ...(token === undefined ? {} : { pageToken: token }) }));
  }

  private metricJson(m: MetricInput): Record<string, unknown> {
    return {
      key: m.key,
      value: encodeDouble(m.value),
      timestamp: m.timestamp ?? this.now(),
      step: m.step ?? 0,
      ...(m.datasetName === undefined ? {} : { dataset_name: m.datasetName }),
      ...(m.datasetDigest === undefined ? {} : { dataset_digest: m.datasetDigest }),
      ...(m.modelId === undefined ? {} : { model_id: m.modelId }),
    };
  }
}
