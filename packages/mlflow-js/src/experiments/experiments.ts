import { z } from 'zod';
import { ENDPOINTS } from '../rest/endpoints.js';
import { MlflowError, hasErrorCode } from '../rest/errors.js';
import type { RestClient } from '../rest/http.js';
import { LIMITS } from '../rest/limits.js';
import { collectPages, empty, pageToken, toKeyValues, type Page } from '../rest/json.js';
import { experimentSchema, type Experiment, type SearchExperimentsOptions } from './types.js';

const createResponse = z.object({ experiment_id: z.string() });
const getResponse = z.object({ experiment: experimentSchema });
const searchResponse = z.object({ experiments: z.array(experimentSchema).optional(), next_page_token: pageToken });

/** Experiments: create, get (by id or name), search with paging, rename, delete/restore, tags. */
export class ExperimentsApi {
  constructor(private readonly rest: RestClient) {}

  /** Creates an experiment and returns its id. Fails with RESOURCE_ALREADY_EXISTS if the name is taken. */
  async create(name: string, options: { artifactLocation?: string; tags?: Readonly<Record<string, string>> } = {}): Promise<string> {
    const r = await this.rest.call(
      ENDPOINTS.createExperiment,
      { name, artifact_location: options.artifactLocation, tags: toKeyValues(options.tags) },
      createResponse,
    );
    return r.experiment_id;
  }

  /** By id; deleted experiments are returned too (lifecycleStage 'deleted'). */
  async get(experimentId: string): Promise<Experiment> {
    return (await this.rest.call(ENDPOINTS.getExperiment, { experiment_id: experimentId }, getResponse)).experiment;
  }

  /** By name, or undefined when there is none (as the Python client's get_experiment_by_name). */
  async getByName(name: string): Promise<Experiment | undefined> {
    try {
      return (await this.rest.call(ENDPOINTS.getExperimentByName, { experiment_name: name }, getResponse)).experiment;
    } catch (e) {
      if (hasErrorCode(e, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw e;
    }
  }

  /**
   * The active experiment with this name, created when missing; safe against a concurrent
   * creator (RESOURCE_ALREADY_EXISTS → read it back). MLflow keeps the names of deleted
   * experiments reserved: like the Python client's `set_experiment`, a deleted one is an error
   * (INVALID_STATE) unless `restoreDeleted` is set.
   */
  async getOrCreate(
    name: string,
    options: { tags?: Readonly<Record<string, string>>; restoreDeleted?: boolean } = {},
  ): Promise<Experiment> {
    const found = await this.getByName(name);
    if (found !== undefined) {
      if (found.lifecycleStage !== 'deleted') return found;
      if (options.restoreDeleted !== true) {
        throw new MlflowError(
          'INVALID_STATE',
          `Experiment "${name}" (id ${found.experimentId}) is deleted on ${this.rest.trackingUri}. Restore it ` +
            `(\`mlflow experiments restore --experiment-id ${found.experimentId}\`, or restoreDeleted: true), or delete it for good (\`mlflow gc\`).`,
        );
      }
      await this.restore(found.experimentId);
      return this.get(found.experimentId);
    }
    try {
      return await this.get(await this.create(name, options.tags === undefined ? {} : { tags: options.tags }));
    } catch (e) {
      if (!hasErrorCode(e, 'RESOURCE_ALREADY_EXISTS')) throw e;
      const raced = await this.getByName(name);
      if (raced === undefined) throw e;
      return raced;
    }
  }

  /** One page of experiments. */
  async search(options: SearchExperimentsOptions = {}): Promise<Page<Experiment>> {
    const r = await this.rest.call(
      ENDPOINTS.searchExperiments,
      {
        // The server reads a missing max_results as 0 and refuses it; 1000 is the Python client's default.
        max_results: options.maxResults ?? LIMITS.searchRunsDefaultResults,
        page_token: options.pageToken,
        filter: options.filter,
        order_by: options.orderBy,
        view_type: options.viewType,
      },
      searchResponse,
    );
    return { items: r.experiments ?? [], nextPageToken: r.next_page_token };
  }

  /** Every matching experiment, following page tokens. */
  async searchAll(options: Omit<SearchExperimentsOptions, 'pageToken'> = {}): Promise<Experiment[]> {
    return collectPages((token) => this.search({ ...options, ...(token === undefined ? {} : { pageToken: token }) }));
  }

  async rename(experimentId: string, newName: string): Promise<void> {
    await this.rest.call(ENDPOINTS.updateExperiment, { experiment_id: experimentId, new_name: newName }, empty);
  }

  /** Marks it deleted (with its runs); `restore` undoes it. */
  async delete(experimentId: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteExperiment, { experiment_id: experimentId }, empty);
  }

  async restore(experimentId: string): Promise<void> {
    await this.rest.call(ENDPOINTS.restoreExperiment, { experiment_id: experimentId }, empty);
  }

  async setTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.rest.call(ENDPOINTS.setExperimentTag, { experiment_id: experimentId, key, value }, empty);
  }

  async deleteTag(experimentId: string, key: string): Promise<void> {
    await this.rest.call(ENDPOINTS.deleteExperimentTag, { experiment_id: experimentId, key }, empty);
  }
}
