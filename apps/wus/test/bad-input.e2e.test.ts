import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_FASHION_MNIST_DIR } from '@wus/datasets';
import { describe, expect, it } from 'vitest';
import { wus } from './capture.js';

const quick = ['--limit', '512', '--epochs', '1'];

describe('bad input: one clear message and a non-zero exit code', () => {
  it('a missing dataset directory (exit 3)', async () => {
    const r = await wus(['train', '--data-dir', '/nonexistent/fmnist', ...quick]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^wus: error: .*\/nonexistent\/fmnist/m);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for user errors
  });

  it('a truncated IDX file names the file and what is wrong (exit 3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-truncated-'));
    for (const f of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      copyFileSync(join(BUNDLED_FASHION_MNIST_DIR, f), join(dir, f));
    }
    const { gunzipSync } = await import('node:zlib');
    const raw = gunzipSync(readFileSync(join(BUNDLED_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz')));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), raw.subarray(0, raw.length - 1000));
    const r = await wus(['train', '--data-dir', dir, ...quick]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/train-images-idx3-ubyte.*truncated/);
  });

  it('an unknown policy name lists the registered ones (exit 2)', async () => {
    const r = await wus(['train', '--policy', 'wsu', ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown skip-policy "wsu"; registered: .*never.*wus/);
    // In a comparison too, and before the baseline trains.
    const c = await wus(['compare', '-P', 'never,wsu', ...quick]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/unknown skip-policy "wsu"/);
    expect(c.stderr).not.toMatch(/epoch\s+1\/1/);
  });

  it('a negative threshold is refused before any training (exit 2)', async () => {
    const r = await wus(['compare', '-o', 'wus.threshold=-0.01', ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid options for .*wus.*threshold/);
    expect(r.stderr).not.toMatch(/epoch\s+1\/1/);
    expect(r.stderr).not.toMatch(/^data:/m);
  });

  it('an unknown model, a non-numeric flag and a bad config file', async () => {
    expect((await wus(['train', '--model', 'resnet-1000', ...quick])).stderr).toMatch(/unknown model "resnet-1000"; registered: alexnet, lenet5, mlp, resnet18, vgg11, vgg16/);
    const nan = await wus(['train', '--epochs', 'many']);
    expect(nan.code).toBe(2);
    const cfg = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'bad.yaml');
    writeFileSync(cfg, 'epochs: -3\nlearningRate: 0.1\n');
    const r = await wus(['train', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/epochs/);
    expect(r.stderr).toMatch(/learningRate/);
  });
});

describe('errors in the user’s terms', () => {
  it('names the flag as typed, the value and what it must be', async () => {
    const r = await wus(['train', '--batch-size', '-3']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('wus: error: --batch-size must be > 0, got -3');
    expect((await wus(['train', '--epochs', '2.5'])).stderr.trim()).toBe('wus: error: --epochs must be an integer, got 2.5');
  });

  it('a missing config file, a misspelt key (with a suggestion) and broken YAML (with its line)', async () => {
    const missing = await wus(['train', '--config', '/nonexistent/run.yaml']);
    expect(missing.stderr.trim()).toBe('wus: error: cannot read config file /nonexistent/run.yaml: there is no such file; check the path given to --config');
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const misspelt = join(dir, 'misspelt.yaml');
    writeFileSync(misspelt, 'batchSise: 64\n');
    const m = await wus(['train', '--config', misspelt]);
    expect(m.code).toBe(2);
    expect(m.stderr.trim()).toBe(`wus: error: ${misspelt}: "batchSise" is not a setting (did you mean "batchSize"?)`);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'epochs: 3\nlr: [1\n');
    const b = await wus(['train', '--config', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/is not valid YAML\/JSON: .* — line 2: "lr: \[1"$/m);
  });

  it('usage errors carry the same prefix', async () => {
    const r = await wus(['compare', '--interleave', 'sometimes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wus: error: option '--interleave <mode>' argument 'sometimes' is invalid/m);
  });
});
