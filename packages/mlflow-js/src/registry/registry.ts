import { z } from 'zod';
import { ENDPOINTS } from '../rest/endpoints.js';
import { MlflowError, MlflowInvalidInputError, hasErrorCode } from '../rest/errors.js';
import type { RestClient } from '../rest/http.js';
import { collectPages, empty, pageToken, toKeyValues, type Page } from '../rest/json.js';
import { normalizeArtifactPath } from '../artifacts/paths.js';
import {
  modelVersionSchema,
  registeredModelSchema,
  type ModelVersion,
  type RegisteredModel,
  type SearchRegistryOptions,
} from './types.js';

const modelResponse = z.object({ registered_model: registeredModelSchema });
const versionResponse = z.object({ model_version: modelVersionSchema });
const searchModelsResponse = z.object({ registered_models: z.array(registeredModelSchema).optional(), next_page_token: pageToken });
const searchVersionsResponse = z.object({ model_versions: z.array(modelVersionSchema).optional(), next_page_token: pageToken });
const downloadUriResponse = z.object({ artifact_uri: z.string() });

/**
 * Refuses a registered-model name the server would refuse, with MLflow's own wording
 * (`_validate_model_name` of the pinned server): empty, containing `/` or `:`, or a path that is
 * not unique (`.`, `..`, `..x`). Called before any request by the register calls; exported so
 * an application can check a name before doing any work.
 */
export function validateRegisteredModelName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new MlflowInvalidInputError('Invalid registered model name "": a name is required.');
  }
  if (name.includes('/') || name.includes(':')) {
    throw new MlflowInvalidInputError(`Invalid registered model name "${name}": names cannot contain '/' or ':'.`);
  }
  if (name === '.' || name.startsWith('..')) {
    throw new MlflowInvalidInputError(`Invalid registered model name "${name}": "." and names starting with ".." are not allowed.`);
  }
  return name;
}

export interface RegisterModelOptions {
  readonly tags?: Readonly<Record<string, string>>;
  readonly description?: string;
  /** Wait until the version leaves PENDING_REGISTRATION (default 60 s; 0: do not wait). */
  readonly awaitReadyMs?: number;
}

/** The model registry: registered models, versions, tags and aliases. */
export class ModelRegistryApi {
  constructor(
    private readonly rest: RestClient,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  // ------------------------------------------------------------ registered models

  async createRegisteredModel(name: string, options: { tags?: Readonly<Record<string, string>>; description?: string } = {}): Promise<RegisteredModel> {
    return (
      await this.rest.call(
        ENDPOINTS.createRegisteredModel,
        { name, tags: toKeyValues(options.tags), description: options.description },
        modelResponse,
      )
    ).registered_model;
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.rest.call(ENDPOINTS.getRegisteredModel, { name }, modelResponse)).registered_model;
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (await this.rest.call(ENDPOINTS.renameRegisteredModel, { name, new_name: newName }, modelResponse)).registered_model;
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return (await this.rest.call(ENDPOINTS.updateRegisteredModel, { name, description }, modelResponse)).registered_model;
  }

  /** Deletes the model and all its versions. */
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteRegisteredModel, { name }, empty);
  }

  async searchRegisteredModels(options: SearchRegistryOptions = {}): Promise<Page<RegisteredModel>> {
    const r = await this.rest.call(
      ENDPOINTS.searchRegisteredModels,
      { filter: options.filter, max_results: options.maxResults, order_by: options.orderBy, page_token: options.pageToken },
      searchModelsResponse,
    );
    return { items: r.registered_models ?? [], nextPageToken: r.next_page_token };
  }

  async searchRegisteredModelsAll(options: Omit<SearchRegistryOptions, 'pageToken'> = {}): Promise<RegisteredModel[]> {
    return collectPages((token) => this.searchRegisteredModels({ ...options, ...(token === undefined ? {} : { pageToken: token }) }));
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.rest.call(ENDPOINTS.setRegisteredModelTag, { name, key, value }, empty);
  }

  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteRegisteredModelTag, { name, key }, empty);
  }

  // ------------------------------------------------------------ versions

  /** A new version of `name` from `source` (e.g. `runs:/<runId>/model`). */
  async createModelVersion(
    name: string,
    source: string,
    options: { runId?: string; tags?: Readonly<Record<string, string>>; runLink?: string; description?: string; modelId?: string } = {},
  ): Promise<ModelVersion> {
    return (
      await this.rest.call(
        ENDPOINTS.createModelVersion,
        {
          name,
          source,
          run_id: options.runId,
          tags: toKeyValues(options.tags),
          run_link: options.runLink,
          description: options.description,
          model_id: options.modelId,
        },
        versionResponse,
      )
    ).model_version;
  }

  /**
   * Registers a run's artifact (file or directory) as a new version of model `name`, creating
   * the registered model if needed (as the Python client's `register_model("runs:/…")`), and
   * waits until the version is READY.
   */
  async registerModel(runId: string, artifactPath: string, name: string, options: RegisterModelOptions = {}): Promise<ModelVersion> {
    return this.register(name, `runs:/${runId}/${normalizeArtifactPath(artifactPath)}`, { runId }, options);
  }

  /**
   * Registers an MLflow 3 logged model as a new version of model `name` (source
   * `models:/<modelId>`, as the Python client's `register_model("models:/m-…")`), creating the
   * registered model if needed, and waits until the version is READY.
   */
  async registerLoggedModel(model: { readonly modelId: string; readonly sourceRunId?: string }, name: string, options: RegisterModelOptions = {}): Promise<ModelVersion> {
    const runId = model.sourceRunId === undefined || model.sourceRunId === '' ? {} : { runId: model.sourceRunId };
    return this.register(name, `models:/${model.modelId}`, { ...runId, modelId: model.modelId }, options);
  }

  private async register(name: string, source: string, origin: { runId?: string; modelId?: string }, options: RegisterModelOptions): Promise<ModelVersion> {
    validateRegisteredModelName(name);
    try {
      await this.createRegisteredModel(name);
    } catch (e) {
      if (!hasErrorCode(e, 'RESOURCE_ALREADY_EXISTS')) throw e;
    }
    let version = await this.createModelVersion(name, source, {
      ...origin,
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.description === undefined ? {} : { description: options.description }),
    });
    const deadline = Date.now() + (options.awaitReadyMs ?? 60_000);
    while (version.status === 'PENDING_REGISTRATION' && Date.now() < deadline) {
      await this.sleep(200);
      version = await this.getModelVersion(name, version.version);
    }
    if (version.status === 'FAILED_REGISTRATION') {
      throw new MlflowError('INVALID_STATE', `Registering ${source} as model "${name}" failed: ${version.statusMessage || 'no reason given'}.`);
    }
    return version;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return (await this.rest.call(ENDPOINTS.getModelVersion, { name, version }, versionResponse)).model_version;
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    return (await this.rest.call(ENDPOINTS.updateModelVersion, { name, version, description }, versionResponse)).model_version;
  }

  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteModelVersion, { name, version }, empty);
  }

  async searchModelVersions(options: SearchRegistryOptions = {}): Promise<Page<ModelVersion>> {
    const r = await this.rest.call(
      ENDPOINTS.searchModelVersions,
      { filter: options.filter, max_results: options.maxResults, order_by: options.orderBy, page_token: options.pageToken },
      searchVersionsResponse,
    );
    return { items: r.model_versions ?? [], nextPageToken: r.next_page_token };
  }

  async searchModelVersionsAll(options: Omit<SearchRegistryOptions, 'pageToken'> = {}): Promise<ModelVersion[]> {
    return collectPages((token) => this.searchModelVersions({ ...options, ...(token === undefined ? {} : { pageToken: token }) }));
  }

  /** Where the version's files are (e.g. `runs:/<runId>/model` or an artifact-store URI). */
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return (await this.rest.call(ENDPOINTS.getModelVersionDownloadUri, { name, version }, downloadUriResponse)).artifact_uri;
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.rest.call(ENDPOINTS.setModelVersionTag, { name, version, key, value }, empty);
  }

  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteModelVersionTag, { name, version, key }, empty);
  }

  // ------------------------------------------------------------ aliases

  /** Points `alias` (e.g. "champion") at a version; moves it if it pointed elsewhere. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.rest.call(ENDPOINTS.setRegisteredModelAlias, { name, alias, version }, empty);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteRegisteredModelAlias, { name, alias }, empty);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.rest.call(ENDPOINTS.getModelVersionByAlias, { name, alias }, versionResponse)).model_version;
  }
}
