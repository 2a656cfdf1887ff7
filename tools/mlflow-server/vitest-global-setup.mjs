// vitest globalSetup shared by packages/mlflow-js, packages/tracking and apps/wus: ONE real MLflow server
// per test run, with basic auth on (so auth is tested for real), in a temporary folder.
//
//   WUS_MLFLOW_TESTS=skip           no server; the integration tests are skipped (say so loudly)
//   MLFLOW_TEST_TRACKING_URI=URI    use that server instead (credentials: MLFLOW_TEST_USERNAME /
//                                   MLFLOW_TEST_PASSWORD); tests that kill the server are skipped
//   (neither)                       start one with tools/mlflow-server/mlflow-server.sh; fails with
//                                   instructions when its venv is missing
//
// Tests read the server with `inject('mlflowServer')` (null when skipped).
import { homedir } from 'node:os';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const script = join(here, 'mlflow-server.sh');
const venv = process.env.MLFLOW_SERVER_VENV || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wus', 'mlflow-server-venv');

export default async function setup(project) {
  if (process.env.WUS_MLFLOW_TESTS === 'skip') {
    console.warn('mlflow-server: WUS_MLFLOW_TESTS=skip — the MLflow integration tests are SKIPPED');
    project.provide('mlflowServer', null);
    return;
  }
  const external = process.env.MLFLOW_TEST_TRACKING_URI;
  if (external) {
    project.provide('mlflowServer', {
      uri: external,
      username: process.env.MLFLOW_TEST_USERNAME ?? null,
      password: process.env.MLFLOW_TEST_PASSWORD ?? null,
      dir: null,
      script,
      managed: false,
      ownerPid: null,
    });
    return;
  }
  if (!existsSync(join(venv, 'bin', 'mlflow'))) {
    throw new Error(
      `No MLflow venv at ${venv}. Create it once with \`bash tools/mlflow-server/mlflow-server.sh install\` ` +
        '(about 2 minutes), or set WUS_MLFLOW_TESTS=skip to skip the MLflow integration tests.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'wus-mlflow-'));
  const username = 'admin';
  const password = `wus-${randomBytes(12).toString('hex')}`;
  const started = Date.now();
  try {
    await run('bash', [script, 'start', '--dir', dir, '--auth', `${username}:${password}`, '--watch-pid', String(process.pid)], {
      timeout: 240_000,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start the test MLflow server: ${e.stderr || e.message}`);
  }
  const uri = (await run('cat', [join(dir, 'uri')])).stdout.trim();
  console.log(`mlflow-server: ${uri} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${dir})`);
  project.provide('mlflowServer', { uri, username, password, dir, script, managed: true, ownerPid: process.pid });
  return async () => {
    // The data is thrown away: no need for a graceful shutdown.
    await run('bash', [script, 'kill', '--dir', dir]).catch(() => undefined);
    if (process.env.WUS_MLFLOW_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
}
