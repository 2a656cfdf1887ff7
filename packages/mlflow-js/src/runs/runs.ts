import { z } from 'zod';
import { ENDPOINTS } from '../rest/endpoints.js';
import { MlflowInvalidInputError } from '../rest/errors.js';
import type { RestClient } from '../rest/http.js';
import { collectPages, empty, pageToken, toKeyValues, type Page } from '../rest/json.js';
import { MLFLOW_TAGS } from '../rest/limits.js';
import {
  runInfoSchema,
  runSchema,
  type CreateRunOptions,
  type Dataset,
  type DatasetInput,
  type ModelOutput,
  type Run,
  type RunInfo,
  type RunStatus,
  type SearchRunsOptions,
  type UpdateRunOptions,
} from './types.js';

const runResponse = z.object({ run: runSchema });
const updateResponse = z.object({ run_info: runInfoSchema.optional() });
const searchResponse = z.object({ runs: z.array(runSchema).optional(), next_page_token: pageToken });

/**
 * A string literal for MLflow's search syntax (`tags.x = '…'`). MLflow has no escape for
 * quotes, so a value holding both quote kinds cannot be searched for.
 */
export function searchLiteral(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new MlflowInvalidInputError(`Cannot search for ${JSON.stringify(value)}: MLflow search strings cannot hold both ' and ".`);
}

/** Runs: create (nested too), get, update/terminate, delete/restore, search with paging, tags, params, inputs. */
export class RunsApi {
  constructor(
    private readonly rest: RestClient,
    private readonly now: () => number = Date.now,
  ) {}

  async create(options: CreateRunOptions): Promise<Run> {
    const tags: Record<string, string> = { ...options.tags };
    if (options.parentRunId !== undefined) tags[MLFLOW_TAGS.parentRunId] = options.parentRunId;
    const r = await this.rest.call(
      ENDPOINTS.createRun,
      {
        experiment_id: options.experimentId,
        run_name: options.runName,
        start_time: options.startTime ?? this.now(),
        tags: toKeyValues(tags),
        user_id: options.userId,
      },
      runResponse,
    );
    return r.run;
  }

  /** Info, params, tags, latest metrics and inputs of a run (deleted runs too). */
  async get(runId: string): Promise<Run> {
    return (await this.rest.call(ENDPOINTS.getRun, { run_id: runId }, runResponse)).run;
  }

  async update(runId: string, options: UpdateRunOptions): Promise<RunInfo | undefined> {
    const r = await this.rest.call(
      ENDPOINTS.updateRun,
      { run_id: runId, status: options.status, end_time: options.endTime, run_name: options.runName },
      updateResponse,
    );
    return r.run_info;
  }

  /** Ends a run: status (default FINISHED) and end time (default now). */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime: number = this.now()): Promise<void> {
    await this.update(runId, { status, endTime });
  }

  async delete(runId: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteRun, { run_id: runId }, empty);
  }

  async restore(runId: string): Promise<void> {
    await this.rest.call(ENDPOINTS.restoreRun, { run_id: runId }, empty);
  }

  /** One page of runs. */
  async search(options: SearchRunsOptions): Promise<Page<Run>> {
    const r = await this.rest.call(
      ENDPOINTS.searchRuns,
      {
        experiment_ids: options.experimentIds,
        filter: options.filter,
        run_view_type: options.viewType,
        max_results: options.maxResults,
        order_by: options.orderBy,
        page_token: options.pageToken,
      },
      searchResponse,
    );
    return { items: r.runs ?? [], nextPageToken: r.next_page_token };
  }

  /** Every matching run, following page tokens (stops after `limit` runs when given). */
  async searchAll(options: Omit<SearchRunsOptions, 'pageToken'>, limit?: number): Promise<Run[]> {
    return collectPages((token) => this.search({ ...options, ...(token === undefined ? {} : { pageToken: token }) }), limit);
  }

  /** The nested runs of a run (tag `mlflow.parentRunId`). */
  async children(parentRunId: string, experimentIds: readonly string[]): Promise<Run[]> {
    return this.searchAll({ experimentIds, filter: `tags.\`${MLFLOW_TAGS.parentRunId}\` = ${searchLiteral(parentRunId)}` });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.rest.call(ENDPOINTS.setTag, { run_id: runId, key, value }, empty);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteTag, { run_id: runId, key }, empty);
  }

  /** Params are immutable: the same key with another value fails with INVALID_PARAMETER_VALUE. */
  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.rest.call(ENDPOINTS.logParam, { run_id: runId, key, value }, empty);
  }

  /** Records the data sets (and logged models) a run used. */
  async logInputs(runId: string, inputs: { datasets?: readonly DatasetInput[]; modelIds?: readonly string[] }): Promise<void> {
    await this.rest.call(
      ENDPOINTS.logInputs,
      {
        run_id: runId,
        datasets: (inputs.datasets ?? []).map((d) => ({ tags: toKeyValues(d.tags), dataset: datasetJson(d.dataset) })),
        models: (inputs.modelIds ?? []).map((model_id) => ({ model_id })),
      },
      empty,
    );
  }

  /** Records the logged models a run produced (MLflow 3), each at a step; they appear on the run's page. */
  async logOutputs(runId: string, models: readonly ModelOutput[]): Promise<void> {
    await this.rest.call(ENDPOINTS.logOutputs, { run_id: runId, models: models.map((m) => ({ model_id: m.modelId, step: m.step ?? 0 })) }, empty);
  }
}

function datasetJson(d: Dataset): Record<string, string> {
  return {
    name: d.name,
    digest: d.digest,
    source_type: d.sourceType,
    source: d.source,
    ...(d.schema === undefined ? {} : { schema: d.schema }),
    ...(d.profile === undefined ? {} : { profile: d.profile }),
  };
}
