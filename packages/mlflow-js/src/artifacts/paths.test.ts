import { describe, expect, it } from 'vitest';
import { MlflowInvalidInputError } from '../rest/errors.js';
import { guessContentType, normalizeArtifactPath, proxyPath, proxyRoot } from './paths.js';

describe('artifact paths', () => {
  it('maps mlflow-artifacts: URIs onto the proxy and encodes segments', () => {
    const root = proxyRoot('mlflow-artifacts:/1/abc/artifacts', 'Run abc');
    expect(root).toBe('/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts');
    expect(proxyRoot('mlflow-artifacts:///1/abc/artifacts/', 'Run abc')).toBe(root);
    expect(proxyPath(root, 'plots/a b#1.svg')).toBe(`${root}/plots/a%20b%231.svg`);
  });

  it('refuses stores the proxy does not serve and paths that escape the run', () => {
    expect(() => proxyRoot('s3://bucket/1/abc/artifacts', 'Run abc')).toThrow(/--serve-artifacts/);
    expect(() => proxyRoot('mlflow-artifacts://other:5000/1/abc', 'Run abc')).toThrow(/another server/);
    for (const bad of ['', '/etc/passwd', 'a/../b', '..', 'a//b', './a', 'a\\b']) {
      expect(() => normalizeArtifactPath(bad)).toThrow(MlflowInvalidInputError);
    }
    expect(normalizeArtifactPath('dir/sub/')).toBe('dir/sub');
  });

  it('guesses content types the MLflow UI can preview', () => {
    expect(guessContentType('plots/curve.svg')).toBe('image/svg+xml');
    expect(guessContentType('config.JSON')).toBe('application/json');
    expect(guessContentType('weights.bin')).toBe('application/octet-stream');
  });
});
