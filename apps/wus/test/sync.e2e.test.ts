import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LocalRunStore } from '@wus/tracking';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wus } from './capture.js';

/** A store with one finished run, as `wus train` leaves it. */
async function storeWithRun(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'wus-sync-'));
  const run = await new LocalRunStore(root).startRun({ name: 'never', experiment: 'mnist', params: { lr: 0.1 } });
  await run.logMetrics([{ key: 'loss', value: 0.5, step: 0 }]);
  await run.end('FINISHED');
  return root;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('wus sync: clear messages and exit codes (the real-server path is tested in @wus/tracking)', () => {
  it('needs a server URI (exit 2)', async () => {
    vi.stubEnv('MLFLOW_TRACKING_URI', '');
    const r = await wus(['sync'], await storeWithRun());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wus: error: wus sync needs an MLflow server: pass --uri/);
  });

  it('refuses a URI that is not an http(s) server (exit 2)', async () => {
    const r = await wus(['sync', '--uri', 'file:///tmp/mlruns'], await storeWithRun());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/over HTTP\(S\) only/);
  });

  it('an unreachable server (exit 7), the local store untouched', async () => {
    vi.stubEnv('MLFLOW_HTTP_REQUEST_MAX_RETRIES', '0');
    const root = await storeWithRun();
    const r = await wus(['sync', '--uri', 'http://127.0.0.1:9'], root);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/Cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9/);
    expect((await wus(['runs'], root)).stdout).toMatch(/FINISHED\s+mnist\/never/);
  });

  it('a 401 says which credentials to set (exit 7)', async () => {
    const srv = createServer((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/html', 'WWW-Authenticate': 'Basic realm="mlflow"' });
      res.end('You are not authenticated.');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const uri = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      vi.stubEnv('MLFLOW_TRACKING_USERNAME', 'ann');
      vi.stubEnv('MLFLOW_TRACKING_PASSWORD', 'wrong');
      const r = await wus(['sync', '--uri', uri], await storeWithRun());
      expect(r.code).toBe(7);
      expect(r.stderr).toMatch(/HTTP 401 UNAUTHENTICATED.*credentials of user "ann".*MLFLOW_TRACKING_PASSWORD/);
      expect(r.stderr).not.toContain('wrong');
    } finally {
      srv.close();
    }
  });

  it('an experiment the local store does not have (exit 5)', async () => {
    const r = await wus(['sync', '--uri', 'http://127.0.0.1:9', '--experiment', 'cifar'], await storeWithRun());
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/No local runs in experiment "cifar".*Local experiments: mnist/);
  });

  it('a bad MLFLOW_TRACKING_URI does not stop `wus runs`, and stops `wus train` before training (exit 2)', async () => {
    vi.stubEnv('MLFLOW_TRACKING_URI', 'sqlite:///mlflow.db');
    const root = await storeWithRun();
    expect((await wus(['runs'], root)).code).toBe(0);
    const r = await wus(['train', '--limit', '256', '--epochs', '1'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MLFLOW_TRACKING_URI "sqlite:\/\/\/mlflow\.db".*Unset MLFLOW_TRACKING_URI to use the local run store/);
    expect(r.stderr).not.toMatch(/epoch/);
    expect(await new LocalRunStore(root).listRuns()).toHaveLength(1); // no run was started
  });
});
