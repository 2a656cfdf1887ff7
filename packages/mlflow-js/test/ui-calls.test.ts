import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServer, requireServer, uniqueName } from '../src/testing/index.js';

/**
 * The calls MLflow's own web UI makes (ajax-api: run search, metric history, artifact list)
 * answer on our test server script both with --auth (the shared test server) and without it
 * (one started here): a server without auth used to answer the run search with 500.
 */
const script = join(dirname(fileURLToPath(import.meta.url)), '../../../tools/mlflow-server/mlflow-server.sh');

async function uiCalls(uri: string, headers: Record<string, string>): Promise<number[]> {
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${uri}/ajax-api/2.0/mlflow/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
  };
  const exp = await call('POST', 'experiments/create', { name: uniqueName('ui') });
  const experimentId = exp.json['experiment_id'] as string;
  const run = await call('POST', 'runs/create', { experiment_id: experimentId, start_time: Date.now() });
  const runId = (run.json['run'] as { info: { run_id: string } }).info.run_id;
  await call('POST', 'runs/log-metric', { run_id: runId, key: 'val_accuracy', value: 0.5, timestamp: Date.now(), step: 1 });
  const search = await call('POST', 'runs/search', { experiment_ids: [experimentId], max_results: 10 });
  const history = await call('GET', `metrics/get-history?run_id=${runId}&metric_key=val_accuracy`);
  const artifacts = await call('GET', `artifacts/list?run_id=${runId}`);
  expect((search.json['runs'] as unknown[] | undefined)?.length).toBe(1);
  expect((history.json['metrics'] as { value: number }[] | undefined)?.[0]?.value).toBe(0.5);
  return [exp.status, run.status, search.status, history.status, artifacts.status];
}

describeWithServer('the MLflow UI calls on our server script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlflow-noauth-'));
  let uri = '';
  beforeAll(() => {
    execFileSync('bash', [script, 'start', '--dir', dir, '--watch-pid', String(process.pid)], { stdio: 'pipe', timeout: 120_000 });
    uri = readFileSync(join(dir, 'uri'), 'utf8').trim();
  }, 150_000);
  afterAll(() => {
    execFileSync('bash', [script, 'stop', '--dir', dir], { stdio: 'pipe', timeout: 60_000 });
  });

  it('without auth: every call answers 200', async () => {
    expect(await uiCalls(uri, {})).toEqual([200, 200, 200, 200, 200]);
  });

  it('with auth: every call answers 200 with the credentials, 401 without', async () => {
    const s = requireServer();
    if (s.username === null) return; // an external server without auth: covered by the test above
    const basic = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`;
    expect(await uiCalls(s.uri, { Authorization: basic })).toEqual([200, 200, 200, 200, 200]);
    const denied = await fetch(`${s.uri}/ajax-api/2.0/mlflow/runs/search`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(denied.status).toBe(401);
  });
});
