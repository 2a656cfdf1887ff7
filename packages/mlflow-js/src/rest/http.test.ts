import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { json, startStub, type StubHandler } from '../../test/support/stub-server.js';
import { resolveConfig, type MlflowClientOptions } from './config.js';
import { ENDPOINTS } from './endpoints.js';
import {
  MlflowAuthError,
  MlflowConnectionError,
  MlflowNotFoundError,
  MlflowProtocolError,
  MlflowRestError,
  MlflowTimeoutError,
} from './errors.js';
import { RestClient } from './http.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function stub(handler: StubHandler) {
  const s = await startStub(handler);
  closers.push(s.close);
  return s;
}

const waits: number[] = [];
function client(uri: string, options: MlflowClientOptions = {}): RestClient {
  waits.length = 0;
  return new RestClient(
    resolveConfig({
      trackingUri: uri,
      env: {},
      retry: { maxRetries: 3, backoffFactorMs: 100, backoffJitterMs: 0 },
      sleep: async (ms) => void waits.push(ms),
      ...options,
    }),
  );
}

const anything = z.object({}).loose();

describe('RestClient', () => {
  it('sends GET parameters as a query string (lists as repeated keys) and POST bodies as JSON', async () => {
    const s = await stub((_req, res) => json(res, 200, {}));
    const rest = client(s.uri);
    await rest.call({ method: 'GET', path: '/api/2.0/mlflow/x', idempotent: true }, { a: 'b c', n: 3, list: ['x', 'y'], skip: undefined }, anything);
    await rest.call(ENDPOINTS.createRun, { experiment_id: '1', tags: [{ key: 'k', value: 'v' }] }, anything);
    expect(s.requests[0]?.url).toBe('/api/2.0/mlflow/x?a=b+c&n=3&list=x&list=y');
    expect(s.requests[1]?.method).toBe('POST');
    expect(s.requests[1]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(s.requests[1]?.body.toString() ?? '')).toEqual({ experiment_id: '1', tags: [{ key: 'k', value: 'v' }] });
  });

  it('authenticates like the Python client: basic from username/password (also from the URI), else bearer', async () => {
    const s = await stub((_req, res) => json(res, 200, {}));
    await client(s.uri, { username: 'ann', password: 'p:w' }).send({ method: 'GET', path: '/x', idempotent: true });
    await client(s.uri, { env: { MLFLOW_TRACKING_TOKEN: 'tok' } }).send({ method: 'GET', path: '/x', idempotent: true });
    await client(s.uri.replace('http://', 'http://bob:s%40cret@')).send({ method: 'GET', path: '/x', idempotent: true });
    await client(s.uri, { env: { MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p', MLFLOW_TRACKING_TOKEN: 't' } }).send({
      method: 'GET',
      path: '/x',
      idempotent: true,
    });
    const auth = s.requests.map((r) => r.headers.authorization);
    expect(auth).toEqual([
      `Basic ${Buffer.from('ann:p:w').toString('base64')}`,
      'Bearer tok',
      `Basic ${Buffer.from('bob:s@cret').toString('base64')}`,
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    ]);
  });

  it('retries 5xx and 429 with exponential back-off, honouring Retry-After', async () => {
    const s = await stub((_req, res, i) => {
      if (i === 0) return json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
      if (i === 1) return json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'Retry-After': '2' });
      if (i === 2) return json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'oops' });
      return json(res, 200, { ok: true });
    });
    const rest = client(s.uri, { retry: { maxRetries: 3, backoffFactorMs: 100, backoffJitterMs: 0, maxBackoffMs: 1500 } });
    const r = await rest.call(ENDPOINTS.getRun, { run_id: 'r' }, z.object({ ok: z.boolean() }));
    expect(r.ok).toBe(true);
    expect(s.requests).toHaveLength(4);
    expect(waits).toEqual([100, 1500, 400]); // 100·2⁰, Retry-After 2 s capped at 1.5 s, 100·2²
  });

  it('gives up after maxRetries with the last error and the attempt count', async () => {
    const s = await stub((_req, res) => json(res, 502, { error_code: 'INTERNAL_ERROR', message: 'bad gateway' }));
    const err = await client(s.uri).call(ENDPOINTS.getRun, { run_id: 'r' }, anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowRestError);
    expect(err).toMatchObject({ status: 502, errorCode: 'INTERNAL_ERROR', attempts: 4, retryable: true });
    expect(s.requests).toHaveLength(4);
  });

  it('does not retry a create after a 500 (it may have happened) but does after 503', async () => {
    const s = await stub((_req, res, i) => (i === 1 ? json(res, 200, { experiment_id: '7' }) : json(res, i === 0 ? 503 : 500, {})));
    const rest = client(s.uri);
    await expect(rest.call(ENDPOINTS.createExperiment, { name: 'x' }, anything)).resolves.toEqual({ experiment_id: '7' });
    await expect(rest.call(ENDPOINTS.createExperiment, { name: 'y' }, anything)).rejects.toMatchObject({ status: 500, attempts: 1 });
    expect(s.requests).toHaveLength(3);
  });

  it("does not retry client errors and keeps MLflow's error_code and message", async () => {
    const s = await stub((_req, res) =>
      json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Could not find experiment with name 'nope'" }),
    );
    const err = await client(s.uri).call(ENDPOINTS.getExperimentByName, { experiment_name: 'nope' }, anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowNotFoundError);
    expect(err).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404, retryable: false });
    expect((err as Error).message).toContain("Could not find experiment with name 'nope'");
    expect(s.requests).toHaveLength(1);
  });

  it('turns a non-JSON 401 into MlflowAuthError with a hint and no password in the message', async () => {
    const s = await stub((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/html', 'WWW-Authenticate': 'Basic realm="mlflow"' });
      res.end('<p>You are not authenticated.</p>');
    });
    const err = await client(s.uri, { username: 'ann', password: 'topsecret' })
      .call(ENDPOINTS.getRun, { run_id: 'r' }, anything)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowAuthError);
    expect(err).toMatchObject({ errorCode: 'UNAUTHENTICATED', status: 401 });
    expect((err as Error).message).toMatch(/You are not authenticated.*credentials of user "ann".*MLFLOW_TRACKING_PASSWORD/);
    expect((err as Error).message).not.toContain('topsecret');
    const anon = await client(s.uri).send({ method: 'GET', path: '/x', idempotent: true }).catch((e: unknown) => e);
    expect((anon as Error).message).toMatch(/requires authentication: set MLFLOW_TRACKING_USERNAME/);
  });

  it('reports a server that is not MLflow: 404 without error_code, or 200 with HTML', async () => {
    const s = await stub((req, res) => {
      if (req.url.startsWith('/api/2.0/mlflow/runs/get')) {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        return res.end('<html>hello</html>');
      }
      res.writeHead(404);
      res.end('Not Found');
    });
    const rest = client(s.uri);
    const notFound = await rest.call(ENDPOINTS.searchRuns, {}, anything).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(MlflowNotFoundError);
    expect(notFound).toMatchObject({ errorCode: 'ENDPOINT_NOT_FOUND' });
    expect((notFound as Error).message).toMatch(/is it an MLflow tracking server/);
    const html = await rest.call(ENDPOINTS.getRun, { run_id: 'x' }, anything).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(MlflowProtocolError);
    expect((html as Error).message).toMatch(/not JSON.*Is MLFLOW_TRACKING_URI the address of an MLflow tracking server/);
  });

  it('reports a response that does not match the schema as a protocol error naming the field', async () => {
    const s = await stub((_req, res) => json(res, 200, { run: { info: 5 } }));
    const err = await client(s.uri).call(ENDPOINTS.getRun, { run_id: 'x' }, z.object({ run: z.object({ info: z.object({}) }) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowProtocolError);
    expect((err as Error).message).toContain('run.info');
  });

  it('retries refused connections, then fails with MlflowConnectionError naming the server', async () => {
    const s = await stub((_req, res) => json(res, 200, {}));
    await s.close();
    const err = await client(s.uri).call(ENDPOINTS.createRun, {}, anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowConnectionError);
    expect(err).toMatchObject({ systemCode: 'ECONNREFUSED', attempts: 4, errorCode: 'TEMPORARILY_UNAVAILABLE', retryable: true });
    expect((err as Error).message).toContain(s.uri);
    expect((err as Error).message).toMatch(/Check that the server is running/);
    expect(waits).toEqual([100, 200, 400]);
  });

  it('does not retry an unknown host', async () => {
    const err = await client('http://no-such-host.invalid:5000').send({ method: 'GET', path: '/x', idempotent: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowConnectionError);
    expect(err).toMatchObject({ attempts: 1 });
    expect((err as Error).message).toMatch(/does not resolve|ENOTFOUND|EAI_AGAIN/);
  });

  it('times out each attempt and retries idempotent calls only', async () => {
    const s = await stub(() => undefined); // never answers
    const rest = client(s.uri, { timeoutMs: 100, retry: { maxRetries: 1, backoffFactorMs: 1, backoffJitterMs: 0 } });
    const err = await rest.call(ENDPOINTS.getRun, { run_id: 'r' }, anything).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowTimeoutError);
    expect(err).toMatchObject({ attempts: 2, errorCode: 'DEADLINE_EXCEEDED' });
    const created = await rest.call(ENDPOINTS.createRun, {}, anything).catch((e: unknown) => e);
    expect(created).toMatchObject({ attempts: 1 });
    expect(s.requests).toHaveLength(3);
  });

  it('lets the caller abort', async () => {
    const s = await stub(() => undefined);
    const ac = new AbortController();
    const p = client(s.uri).send({ method: 'GET', path: '/x', idempotent: true, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await expect(p).rejects.toThrow('stop');
  });
});
