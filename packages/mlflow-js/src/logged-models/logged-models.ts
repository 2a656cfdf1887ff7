import { z } from 'zod';
import { ENDPOINTS, withPathParams } from '../rest/endpoints.js';
import type { RestClient } from '../rest/http.js';
import { collectPages, empty, pageToken, toKeyValues, type Page } from '../rest/json.js';
import {
  loggedModelSchema,
  loggedModelStatusName,
  type CreateLoggedModelOptions,
  type LoggedModel,
  type LoggedModelStatus,
  type SearchLoggedModelsOptions,
} from './types.js';

const modelResponse = z.object({ model: loggedModelSchema });
const searchResponse = z.object({ models: z.array(loggedModelSchema).optional(), next_page_token: pageToken });

/**
 * MLflow 3's logged models (`/api/2.0/mlflow/logged-models`): create one (PENDING), put its files
 * under its artifact location (`ArtifactsApi.uploadToModel`), finalize it READY, and link it to
 * the run that produced it (`RunsApi.logOutputs`) — what the Python client's `log_model` does.
 */
export class LoggedModelsApi {
  constructor(private readonly rest: RestClient) {}

  /** A new model in status PENDING. Not retried after a failure that may have reached the server. */
  async create(options: CreateLoggedModelOptions): Promise<LoggedModel> {
    const r = await this.rest.call(
      ENDPOINTS.createLoggedModel,
      {
        experiment_id: options.experimentId,
        name: options.name,
        model_type: options.modelType,
        source_run_id: options.sourceRunId,
        params: toKeyValues(options.params),
        tags: toKeyValues(options.tags),
      },
      modelResponse,
    );
    return r.model;
  }

  async get(modelId: string): Promise<LoggedModel> {
    return (await this.rest.call(withPathParams(ENDPOINTS.getLoggedModel, { model_id: modelId }), {}, modelResponse)).model;
  }

  /** Sets the final status: READY once its files are uploaded, UPLOAD_FAILED otherwise. */
  async finalize(modelId: string, status: Exclude<LoggedModelStatus, 'PENDING' | 'UNSPECIFIED'>): Promise<LoggedModel> {
    const r = await this.rest.call(
      withPathParams(ENDPOINTS.finalizeLoggedModel, { model_id: modelId }),
      { model_id: modelId, status: loggedModelStatusName(status) },
      modelResponse,
    );
    return r.model;
  }

  async setTags(modelId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.rest.call(withPathParams(ENDPOINTS.setLoggedModelTags, { model_id: modelId }), { tags: toKeyValues(tags) }, empty);
  }

  async delete(modelId: string): Promise<void> {
    await this.rest.call(withPathParams(ENDPOINTS.deleteLoggedModel, { model_id: modelId }), {}, empty);
  }

  /** One page of the models of some experiments. */
  async search(options: SearchLoggedModelsOptions): Promise<Page<LoggedModel>> {
    const r = await this.rest.call(
      ENDPOINTS.searchLoggedModels,
      {
        experiment_ids: options.experimentIds,
        filter: options.filter,
        order_by: options.orderBy?.map((o) => ({ field_name: o.fieldName, ascending: o.ascending ?? true })),
        max_results: options.maxResults,
        page_token: options.pageToken,
      },
      searchResponse,
    );
    return { items: r.models ?? [], nextPageToken: r.next_page_token };
  }

  async searchAll(options: Omit<SearchLoggedModelsOptions, 'pageToken'>): Promise<LoggedModel[]> {
    return collectPages((token) => this.search({ ...options, ...(token === undefined ? {} : { pageToken: token }) }));
  }
}
