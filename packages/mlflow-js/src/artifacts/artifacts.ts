import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { ARTIFACTS_PROXY_PATH, ENDPOINTS } from '../rest/endpoints.js';
import type { RestClient } from '../rest/http.js';
import { pageToken, type Page } from '../rest/json.js';
import type { RunsApi } from '../runs/runs.js';
import { guessContentType, normalizeArtifactPath, proxyPath, proxyRoot } from './paths.js';
import { fileInfoSchema, type FileInfo } from './types.js';

/** Where a logged model keeps its files (a `LoggedModel` has both fields). */
export interface ModelLocation {
  readonly modelId: string;
  readonly artifactUri: string;
}

const listResponse = z.object({ root_uri: z.string().optional(), files: z.array(fileInfoSchema).optional(), next_page_token: pageToken });
const proxyListResponse = z.object({ files: z.array(fileInfoSchema).optional() });

/**
 * Run artifacts through the tracking server's artifact proxy
 * (`/api/2.0/mlflow-artifacts/artifacts/...`, served by `mlflow server --serve-artifacts`, the
 * default since MLflow 2.0): upload (PUT), download (GET), list, delete.
 */
export class ArtifactsApi {
  /** run id → proxy root; a run's artifact URI never changes. */
  private readonly roots = new Map<string, string>();

  constructor(
    private readonly rest: RestClient,
    private readonly runs: RunsApi,
  ) {}

  /** Uploads bytes (or UTF-8 text) as `artifactPath` of the run, replacing any file there. */
  async upload(runId: string, artifactPath: string, data: Uint8Array | string, options: { contentType?: string } = {}): Promise<void> {
    await this.put(await this.root(runId), artifactPath, data, options.contentType);
  }

  /** Uploads a file of an MLflow 3 logged model, under its own artifact location (`LoggedModel.artifactUri`). */
  async uploadToModel(model: ModelLocation, artifactPath: string, data: Uint8Array | string, options: { contentType?: string } = {}): Promise<void> {
    await this.put(proxyRoot(model.artifactUri, `Logged model ${model.modelId}`), artifactPath, data, options.contentType);
  }

  /** Every file of a logged model, sorted by path. */
  async listAllOfModel(model: ModelLocation, path?: string): Promise<FileInfo[]> {
    return this.listAllUnder(proxyRoot(model.artifactUri, `Logged model ${model.modelId}`), path);
  }

  private async put(root: string, artifactPath: string, data: Uint8Array | string, contentType: string | undefined): Promise<void> {
    const path = proxyPath(root, artifactPath);
    const body = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.rest.send({
      method: 'PUT',
      path,
      body,
      contentType: contentType ?? guessContentType(artifactPath),
      // PUT replaces the file: sending it twice leaves the same bytes.
      idempotent: true,
    });
  }

  /** Uploads a local file; the artifact path defaults to its base name (under `artifactDir` when given). */
  async uploadFile(runId: string, localPath: string, artifactDir?: string): Promise<string> {
    const name = basename(localPath);
    const target = artifactDir === undefined ? name : `${normalizeArtifactPath(artifactDir, 'artifact directory')}/${name}`;
    await this.upload(runId, target, await readFile(localPath));
    return target;
  }

  /** Uploads every file below a local directory, keeping relative paths (under `artifactDir` when given). */
  async uploadDirectory(runId: string, localDir: string, artifactDir?: string): Promise<string[]> {
    const prefix = artifactDir === undefined ? '' : `${normalizeArtifactPath(artifactDir, 'artifact directory')}/`;
    const uploaded: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const relPath = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(join(dir, e.name), relPath);
        else if (e.isFile()) {
          await this.upload(runId, `${prefix}${relPath}`, await readFile(join(dir, e.name)));
          uploaded.push(`${prefix}${relPath}`);
        }
      }
    };
    await walk(localDir, '');
    return uploaded;
  }

  /** The bytes of one artifact file. Missing: MlflowNotFoundError (RESOURCE_DOES_NOT_EXIST). */
  async download(runId: string, artifactPath: string): Promise<Buffer> {
    const path = proxyPath(await this.root(runId), artifactPath);
    const res = await this.rest.send({ method: 'GET', path, idempotent: true });
    return Buffer.from(res.body.buffer, res.body.byteOffset, res.body.byteLength);
  }

  /** Downloads a file, or a directory tree, to a local path; returns the local files written. */
  async downloadTo(runId: string, artifactPath: string, localPath: string): Promise<string[]> {
    const normalized = normalizeArtifactPath(artifactPath);
    const listing = await this.list(runId, normalized);
    const isFile = listing.length === 0 || (listing.length === 1 && listing[0]?.path === normalized && listing[0]?.isDir === false);
    const written: string[] = [];
    if (isFile) {
      await mkdir(dirname(localPath), { recursive: true });
      await writeFile(localPath, await this.download(runId, normalized));
      return [localPath];
    }
    for (const f of await this.listAll(runId, normalized)) {
      const target = join(localPath, ...f.path.slice(normalized.length + 1).split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await this.download(runId, f.path));
      written.push(target);
    }
    return written;
  }

  /**
   * Direct children of `path` (the root when omitted), through the artifact proxy, as MLflow's
   * Python client lists `mlflow-artifacts:` stores. Paths are relative to the run's artifact
   * root. A path naming a file lists as empty.
   */
  async list(runId: string, path?: string): Promise<FileInfo[]> {
    return this.listUnder(await this.root(runId), path);
  }

  private async listUnder(root: string, path: string | undefined): Promise<FileInfo[]> {
    const rel = path === undefined ? undefined : normalizeArtifactPath(path);
    const listed = root.slice(ARTIFACTS_PROXY_PATH.length + 1);
    const response = await this.rest.send({
      method: 'GET',
      path: ARTIFACTS_PROXY_PATH,
      query: { path: rel === undefined ? listed : `${listed}/${rel}` },
      idempotent: true,
    });
    const files = this.rest
      .parse({ method: 'GET', path: ARTIFACTS_PROXY_PATH }, response, proxyListResponse)
      .files?.map((f) => ({ ...f, path: rel === undefined ? f.path : `${rel}/${f.path}` })) ?? [];
    if (rel !== undefined && files.length === 1 && files[0]?.isDir === false && files[0].path === `${rel}/${rel.split('/').pop()}`) return [];
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * One page of the direct children of `path` through the tracking API
   * (`/api/2.0/mlflow/artifacts/list`), which also lists stores the proxy does not serve.
   */
  async listWithTrackingApi(runId: string, path?: string, pageToken?: string): Promise<Page<FileInfo>> {
    const r = await this.rest.call(
      ENDPOINTS.listArtifacts,
      { run_id: runId, path: path === undefined ? undefined : normalizeArtifactPath(path), page_token: pageToken },
      listResponse,
    );
    return { items: r.files ?? [], nextPageToken: r.next_page_token };
  }

  /** Every file (not directory) below `path`, depth first, sorted by path. */
  async listAll(runId: string, path?: string): Promise<FileInfo[]> {
    return this.listAllUnder(await this.root(runId), path);
  }

  private async listAllUnder(root: string, path: string | undefined): Promise<FileInfo[]> {
    const out: FileInfo[] = [];
    for (const f of await this.listUnder(root, path)) {
      if (f.isDir) out.push(...(await this.listAllUnder(root, f.path)));
      else out.push(f);
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Deletes an artifact file or directory through the proxy. */
  async delete(runId: string, artifactPath: string): Promise<void> {
    const path = proxyPath(await this.root(runId), artifactPath);
    await this.rest.send({ method: 'DELETE', path, idempotent: true });
  }

  private async root(runId: string): Promise<string> {
    let root = this.roots.get(runId);
    if (root === undefined) {
      const run = await this.runs.get(runId);
      root = proxyRoot(run.info.artifactUri, `Run ${runId}`);
      this.roots.set(runId, root);
    }
    return root;
  }
}
