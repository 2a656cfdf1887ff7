import { describe, expect, it } from 'vitest';
import { parseTrackingUri, redactUri, resolveConfig } from './config.js';
import { MlflowConfigError } from './errors.js';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, retryAfterMs } from './retry.js';

describe('resolveConfig', () => {
  it('reads the tracking URI, timeouts and retry settings from MLflow environment variables', () => {
    const c = resolveConfig({
      env: {
        MLFLOW_TRACKING_URI: 'https://mlflow.example.com/prefix/',
        MLFLOW_HTTP_REQUEST_TIMEOUT: '5',
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
        MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1.5',
      },
    });
    expect(c.trackingUri).toBe('https://mlflow.example.com/prefix');
    expect(c.timeoutMs).toBe(5000);
    expect(c.retry).toMatchObject({ maxRetries: 2, backoffFactorMs: 1500 });
    expect(c.auth).toEqual({ kind: 'none' });
  });

  it('prefers explicit options over the environment', () => {
    const c = resolveConfig({ trackingUri: 'http://a:1', timeoutMs: 7, env: { MLFLOW_TRACKING_URI: 'http://b:2', MLFLOW_HTTP_REQUEST_TIMEOUT: '9' } });
    expect(c.trackingUri).toBe('http://a:1');
    expect(c.timeoutMs).toBe(7);
  });

  it('refuses what this client cannot talk to, with a message saying what to do', () => {
    expect(() => resolveConfig({ env: {} })).toThrow(/set MLFLOW_TRACKING_URI/);
    expect(() => resolveConfig({ trackingUri: 'file:///tmp/mlruns', env: {} })).toThrow(/over HTTP\(S\) only.*mlflow server/);
    expect(() => resolveConfig({ trackingUri: 'databricks', env: {} })).toThrow(MlflowConfigError);
    expect(() => resolveConfig({ trackingUri: 'http://h:1', env: { MLFLOW_TRACKING_USERNAME: 'u' } })).toThrow(/needs both/);
    expect(() => resolveConfig({ trackingUri: 'http://h:1', env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '99' } })).toThrow(/between 0 and 10/);
    expect(() => resolveConfig({ trackingUri: 'http://h:1', env: {}, retry: { maxRetries: -1 } })).toThrow(/maxRetries/);
  });

  it('moves credentials out of the URI and never prints the password', () => {
    expect(parseTrackingUri('http://ann:secret@h:5000/')).toEqual({ url: 'http://h:5000', username: 'ann', password: 'secret' });
    expect(redactUri('http://ann:secret@h:5000')).toBe('http://ann:***@h:5000');
    expect(() => resolveConfig({ trackingUri: 'ftp://ann:secret@h', env: {} })).toThrow(/ftp:\/\/ann:\*\*\*@h/);
  });
});

describe('retry policy', () => {
  it('doubles the back-off, adds jitter and caps each wait', () => {
    const p = { ...DEFAULT_RETRY_POLICY, backoffFactorMs: 100, backoffJitterMs: 50, maxBackoffMs: 500 };
    expect([0, 1, 2, 3].map((n) => backoffDelayMs(p, n, () => 0))).toEqual([100, 200, 400, 500]);
    expect(backoffDelayMs(p, 0, () => 0.5)).toBe(125);
  });

  it('parses Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
