import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalRunStore, mlflowRunUrl } from '@wus/tracking';
import { describeWithServer, requireServer, server, testClient, uniqueName, type MlflowTestServer } from '@wus/mlflow-js/testing';
import { afterEach, expect, it, vi } from 'vitest';
import { wus } from './capture.js';

const run = promisify(execFile);

/** Points the CLI at a server, with its credentials. */
function useServer(s: Pick<MlflowTestServer, 'uri' | 'username' | 'password'>): void {
  vi.stubEnv('MLFLOW_TRACKING_URI', s.uri);
  if (s.username !== null) vi.stubEnv('MLFLOW_TRACKING_USERNAME', s.username);
  if (s.password !== null) vi.stubEnv('MLFLOW_TRACKING_PASSWORD', s.password);
}

/** An HTTP server that is not MLflow: answers every request with `status` and an HTML page. */
async function notMlflow(status: number): Promise<{ uri: string; server: Server }> {
  const srv = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { uri: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, server: srv };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describeWithServer('wus with MLflow (real server)', () => {
  it('train: the run page printed when the run starts and at the end; standard tags, data sets, system metrics, a registered logged model; `runs show` links it', async () => {
    const s = requireServer();
    useServer(s);
    const experiment = uniqueName('cli');
    const registered = uniqueName('mlp-fmnist');
    const r = await wus(['train', '--limit', '1024', '--epochs', '2', '--policy', 'wus', '--experiment', experiment, '--register-model', registered, '--system-metrics-interval', '0.2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    const announced = lines.findIndex((l) => l.startsWith('mlflow: run "mlp · wus · seed 42" → http'));
    expect(announced, r.stderr).toBeGreaterThanOrEqual(0);
    expect(announced).toBeLessThan(lines.findIndex((l) => / epoch +1\/2 /.test(l))); // before training
    const url = lines[announced]!.split(' → ')[1]!;
    expect(lines.at(-2)).toMatch(/^results: run /);
    expect(lines.at(-2)!.endsWith(`; MLflow: ${url} (all runs: ${url.replace(/\/runs\/.*$/, '?workflowType=machine_learning')})`)).toBe(true);

    const store = new LocalRunStore(r.storeRoot);
    const [local] = await store.listRuns();
    const record = (await store.getRun(local!.runId)).replicas[s.uri]!;
    expect(url).toBe(mlflowRunUrl(s.uri, record.experimentId, record.runId));
    const client = testClient();
    const remote = await client.runs.get(record.runId);
    expect(remote.info).toMatchObject({ runName: 'mlp · wus · seed 42', status: 'FINISHED', userId: remote.data.tags['mlflow.user'] });
    expect(remote.data.tags).toMatchObject({ 'mlflow.source.type': 'LOCAL', 'wus.trial': 'wus', 'wus.localRunId': local!.runId });
    expect(remote.data.tags['mlflow.source.name']).toMatch(/main\.ts$/);
    expect(remote.data.tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(remote.data.tags['mlflow.note.content']).toMatch(/^\*\*wus\*\* — Weight Update Skipping/);
    expect(remote.inputs.datasetInputs.map((d) => [d.dataset.name, d.tags['mlflow.data.context']])).toEqual([
      ['fashion-mnist', 'train'],
      ['fashion-mnist', 'validation'],
      ['fashion-mnist', 'test'],
    ]);
    // System metrics, logged live under system/ (MLflow's "System metrics" tab), step = sample index.
    const keys = remote.data.metrics.map((m) => m.key);
    for (const key of ['system/cpu_utilization_percentage', 'system/process_memory_rss_megabytes', 'system/tfjs_num_tensors']) expect(keys).toContain(key);
    const samples = await client.metrics.historyAll(record.runId, 'system/process_memory_rss_megabytes');
    expect(samples.map((m) => m.step)).toEqual([...samples.keys()]);
    // The trained model: an MLflow logged model of the run, READY, registered as version 1.
    const [model] = await client.loggedModels.searchAll({ experimentIds: [record.experimentId], filter: `source_run_id = '${record.runId}'` });
    expect(model).toMatchObject({ name: 'mlp', status: 'READY', modelType: 'wus-weights/2' });
    expect((await client.artifacts.listAllOfModel(model!)).map((f) => f.path)).toEqual(['manifest.json', 'weights.bin']);
    expect(remote.outputs.modelOutputs).toEqual([{ modelId: model!.modelId, step: 2 }]);
    const [version] = await client.registry.searchModelVersionsAll({ filter: `name = '${registered}'` });
    expect(version).toMatchObject({ version: '1', source: `models:/${model!.modelId}`, runId: record.runId, status: 'READY' });

    const show = await wus(['runs', 'show', local!.runId.slice(0, 8)], r.storeRoot);
    expect(show.stdout).toContain(`mlflow: run ${record.runId} ${url}\n`);
    expect(show.stdout).toContain(`mlflow: model mlp ${model!.modelId}\n`);
    expect(show.stdout).toMatch(/^datasets: fashion-mnist train \(digest [0-9a-f]{8}\), fashion-mnist validation/m);
  });

  it('bad input, one clear line each, before any data loads: a URI that is not a URL, a server that is not MLflow, a registered-model name MLflow refuses', async () => {
    const tried: [string, RegExp][] = [];
    const check = async (args: string[], message: RegExp) => {
      const r = await wus(['train', '--limit', '256', '--epochs', '1', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1); // no "data:" line: nothing loaded
      expect(r.stderr.trim()).toMatch(message);
      expect(await new LocalRunStore(r.storeRoot).listRuns()).toEqual([]);
      tried.push([args.join(' '), message]);
    };
    for (const uri of ['localhost:5000', 'not a url']) {
      vi.stubEnv('MLFLOW_TRACKING_URI', uri);
      await check([], /^wus: error: MLFLOW_TRACKING_URI ".*" (uses "localhost:"|is not a URL).*Unset MLFLOW_TRACKING_URI to use the local run store only/);
    }
    for (const status of [200, 404]) {
      const stub = await notMlflow(status);
      try {
        vi.stubEnv('MLFLOW_TRACKING_URI', stub.uri);
        await check(
          [],
          status === 200
            ? /^wus: error: Preparing MLflow experiment ".*" at http:\/\/127\.0\.0\.1:\d+: .*HTTP 200 with a body that is not JSON .*Is MLFLOW_TRACKING_URI the address of an MLflow tracking server/
            : /^wus: error: Preparing MLflow experiment ".*" at http:\/\/127\.0\.0\.1:\d+: .*HTTP 404 ENDPOINT_NOT_FOUND.*is it an MLflow tracking server/,
        );
      } finally {
        stub.server.close();
      }
    }
    useServer(requireServer());
    await check(['--register-model', 'team/lenet5'], /^wus: error: --register-model: MLflow would refuse it\. Invalid registered model name "team\/lenet5": names cannot contain '\/' or ':'\.$/);
    expect(tried).toHaveLength(5);
  });

  // Starts its own server to kill it; skipped with an external server (MLFLOW_TEST_TRACKING_URI).
  it.skipIf(server?.managed !== true)('the server goes away mid-run: training goes on locally, one message, nothing lost (a later `wus sync` uploads it all)', async () => {
    const s = requireServer();
    const dir = mkdtempSync(join(tmpdir(), 'wus-mlflow-outage-'));
    const ctl = (cmd: string) => run('bash', [s.script, cmd, '--dir', dir, ...(cmd === 'start' ? ['--watch-pid', String(process.pid)] : [])], { timeout: 240_000 });
    const uri = (await ctl('start')).stdout.trim().split('\n').at(-1)!;
    try {
      useServer({ uri, username: null, password: null });
      vi.stubEnv('MLFLOW_HTTP_REQUEST_MAX_RETRIES', '0');
      const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
      const store = new LocalRunStore(storeRoot);
      // Kill the server as soon as the first epoch is in the local store.
      let killed = false;
      const killer = (async () => {
        for (let i = 0; i < 2400 && !killed; i++) {
          const [local] = await store.listRuns();
          if (local !== undefined && ((await store.getRun(local.runId)).metrics['val_accuracy']?.length ?? 0) >= 1) {
            await ctl('kill');
            killed = true;
          } else await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const r = await wus(['train', '--limit', '4096', '--epochs', '4', '--system-metrics-interval', '0'], storeRoot);
      await killer;
      expect(killed).toBe(true);
      expect(r.code, r.stderr).toBe(0);
      const mlflowLines = r.stderr.split('\n').filter((l) => l.startsWith('mlflow: '));
      expect(mlflowLines[0]).toMatch(/^mlflow: run "mlp · never · seed 42" → http/);
      expect(mlflowLines.slice(1), r.stderr).toHaveLength(2);
      expect(mlflowLines[1]).toMatch(/^mlflow: MLflow server http:\/\/127\.0\.0\.1:\d+ unreachable .*runs continue in the local store, retrying every 5 s\.$/);
      expect(mlflowLines[2]).toMatch(/^mlflow: run .* is not in MLflow yet .*complete in the local store.*`wus sync`\.$/);
      const [local] = await store.listRuns();
      const details = await store.getRun(local!.runId);
      expect(details.info.status).toBe('FINISHED');
      expect(details.metrics['val_accuracy']).toHaveLength(4);

      await ctl('start'); // the operator brings it back
      const sync = await wus(['sync'], storeRoot);
      expect(sync.code, sync.stderr).toBe(0);
      const client = testClient({ trackingUri: uri, username: undefined, password: undefined });
      const record = (await store.getRun(local!.runId)).replicas[uri]!;
      const remote = await client.runs.get(record.runId);
      expect(remote.info.status).toBe('FINISHED');
      expect((await client.metrics.historyAll(record.runId, 'val_accuracy')).map((m) => m.step)).toEqual([1, 2, 3, 4]);
      const [model] = await client.loggedModels.searchAll({ experimentIds: [record.experimentId], filter: `source_run_id = '${record.runId}'` });
      expect(model?.status).toBe('READY');
    } finally {
      await ctl('kill').catch(() => undefined);
    }
  });
});
