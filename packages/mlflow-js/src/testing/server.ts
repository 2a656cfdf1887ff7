import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';
import { MlflowClient, type MlflowClientOptions } from '../index.js';

/** What tools/mlflow-server/vitest-global-setup.mjs provides (shared by every package testing against MLflow). */
export interface MlflowTestServer {
  readonly uri: string;
  readonly username: string | null;
  readonly password: string | null;
  /** Data folder of a server started by the setup (null for an external one). */
  readonly dir: string | null;
  /** tools/mlflow-server/mlflow-server.sh */
  readonly script: string;
  /** True when the setup started it (so a test may kill and restart it). */
  readonly managed: boolean;
  /** The test run's main process: a server (re)started for it dies with it (`--watch-pid`). */
  readonly ownerPid: number | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mlflowServer: MlflowTestServer | null;
  }
}

export const server: MlflowTestServer | null = inject('mlflowServer');

/** `describe` when a server is there, `describe.skip` otherwise (WUS_MLFLOW_TESTS=skip). */
export const describeWithServer: typeof describe.skip = describe.skipIf(server === null);

export function requireServer(): MlflowTestServer {
  if (server === null) throw new Error('no MLflow test server');
  return server;
}

/** A client of the test server with quick retries (tests must not wait seconds on purpose). */
export function testClient(options: MlflowClientOptions = {}): MlflowClient {
  const s = requireServer();
  return new MlflowClient({
    trackingUri: s.uri,
    ...(s.username === null ? {} : { username: s.username }),
    ...(s.password === null ? {} : { password: s.password }),
    env: {},
    timeoutMs: 30_000,
    retry: { maxRetries: 2, backoffFactorMs: 50, backoffJitterMs: 10 },
    ...options,
  });
}

/** A name no other test (or earlier run against an external server) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
