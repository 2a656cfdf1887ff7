import { expect, it } from 'vitest';
import { MlflowAuthError, MlflowClient, MlflowConnectionError, MlflowNotFoundError } from '../src/index.js';
import { describeWithServer, requireServer, server, testClient } from '../src/testing/index.js';

describeWithServer('failures against the real server', () => {
  it.skipIf(server?.username === null)('401 with a wrong password or without credentials, with a hint', async () => {
    const s = requireServer();
    const wrong = testClient({ password: 'not-the-password' });
    const err = await wrong.experiments.search().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowAuthError);
    expect(err).toMatchObject({ status: 401, errorCode: 'UNAUTHENTICATED', attempts: 1 });
    expect((err as Error).message).toMatch(/rejected the credentials of user "admin"/);
    expect((err as Error).message).not.toContain('not-the-password');

    const anonymous = new MlflowClient({ trackingUri: s.uri, env: {} });
    const anon = await anonymous.runs.get('0123').catch((e: unknown) => e);
    expect(anon).toBeInstanceOf(MlflowAuthError);
    expect((anon as Error).message).toMatch(/set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD/);
    await expect(anonymous.health()).resolves.toBeUndefined(); // /health needs no credentials
  });

  it('404 for an unknown run and an unknown experiment', async () => {
    const mlflow = testClient();
    await expect(mlflow.runs.get('0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(MlflowNotFoundError);
    await expect(mlflow.experiments.get('424242')).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    await expect(mlflow.runs.create({ experimentId: '424242' })).rejects.toMatchObject({ status: 404 });
  });

  it('a wrong URI fails fast with MlflowConnectionError', async () => {
    const wrong = new MlflowClient({ trackingUri: 'http://127.0.0.1:9', env: {}, retry: { maxRetries: 1, backoffFactorMs: 10 } });
    const err = await wrong.experiments.getByName('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlflowConnectionError);
    expect((err as Error).message).toMatch(/Cannot reach the MLflow server at http:\/\/127\.0\.0\.1:9.*after 2 attempts/);
  });

  it('reports the server version', async () => {
    expect(await testClient().serverVersion()).toMatch(/^\d+\.\d+/);
  });
});
