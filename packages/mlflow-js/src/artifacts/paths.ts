import { ARTIFACTS_PROXY_PATH } from '../rest/endpoints.js';
import { MlflowInvalidInputError } from '../rest/errors.js';

/**
 * Checks an artifact path given by the caller: relative, `/`-separated, no empty, `.` or `..`
 * segment (the server refuses those too, but a clear local error is better than a 400).
 */
export function normalizeArtifactPath(path: string, what = 'artifact path'): string {
  if (typeof path !== 'string' || path === '') throw new MlflowInvalidInputError(`The ${what} is empty.`);
  if (path.startsWith('/') || path.includes('\\')) {
    throw new MlflowInvalidInputError(`The ${what} "${path}" must be relative and use "/" as separator.`);
  }
  const segments = path.replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new MlflowInvalidInputError(`The ${what} "${path}" has an empty, "." or ".." segment.`);
  }
  return segments.join('/');
}

/**
 * The proxy path (below the tracking URI) of an artifact root, from a run's `artifact_uri` or a
 * logged model's (`owner` names it in messages, e.g. `Run 5d2a…`). Only `mlflow-artifacts:` URIs — what a server started with
 * `--serve-artifacts` (the default since MLflow 2.0) hands out — can be reached through the
 * tracking server; others (s3://, file paths…) need that store's own client.
 */
export function proxyRoot(artifactUri: string, owner: string): string {
  const m = /^mlflow-artifacts:(\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
  if (m === null) {
    throw new MlflowInvalidInputError(
      `${owner} keeps its artifacts at "${artifactUri}", which the tracking server does not proxy. ` +
        'Start the server with --serve-artifacts (and --artifacts-destination) so new experiments use mlflow-artifacts:/ locations.',
    );
  }
  if (m[1] !== undefined && m[1] !== '//') {
    throw new MlflowInvalidInputError(
      `${owner} keeps its artifacts on another server ("${artifactUri}"); this client reaches the tracking server's proxy only.`,
    );
  }
  const rest = (m[2] ?? '/').replace(/\/+/g, '/').replace(/\/$/, '');
  return `${ARTIFACTS_PROXY_PATH}${rest}`;
}

/** Appends an artifact path to a proxy root, URL-encoding each segment. */
export function proxyPath(root: string, artifactPath: string): string {
  return `${root}/${normalizeArtifactPath(artifactPath).split('/').map(encodeURIComponent).join('/')}`;
}

const MIME: Readonly<Record<string, string>> = {
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};

/** Content type from the extension (as MLflow's `_guess_mime_type`), else octet-stream. */
export function guessContentType(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return (ext === undefined ? undefined : MIME[ext]) ?? 'application/octet-stream';
}
