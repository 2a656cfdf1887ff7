import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_FASHION_MNIST_DIR, DEBIAN_FASHION_MNIST_DIR } from '@wus/datasets';
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

  it('a --tag that is not key=value, or whose key MLflow would refuse, before training (exit 2)', async () => {
    const bare = await wus(['compare', '-P', 'never', '--tag', 'study', ...quick]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^wus: error: --tag must be key=value, e\.g\. --tag study=fmnist; got "study"$/m);
    const key = await wus(['train', '--tag', 'a*b=1', ...quick]);
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/^wus: error: --tag tag key "a\*b" must be 1–250 letters, digits, _ - \. space or \//m);
    for (const r of [bare, key]) expect(r.stderr).not.toMatch(/epoch\s+1\/1/);
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

  it('a misspelt config key is refused with the right one suggested, and a key of the other command says whose it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const epoch = await wus(['train', '--config', file('epoch.yaml', 'epoch: 2\n')]);
    expect([epoch.code, epoch.stderr.trim()]).toEqual([2, `wus: error: ${dir}/epoch.yaml: "epoch" is not a setting (did you mean "epochs"?)`]);
    const far = await wus(['train', '--config', file('far.yaml', 'learningRate: 0.1\n')]);
    expect(far.stderr.trim()).toMatch(/"learningRate" is not a setting; settings are model, .* \(`wus config --schema` explains each\)$/);
    const policies = await wus(['train', '--config', file('policies.yaml', 'policies: [never, wus]\n')]);
    expect([policies.code, policies.stderr.trim()]).toEqual([2, `wus: error: ${dir}/policies.yaml: "policies" is a setting of \`wus compare\` only; \`wus train\` takes one "policy"`]);
    const policy = await wus(['compare', '--config', file('policy.yaml', 'policy: wus\n')]);
    expect([policy.code, policy.stderr.trim()]).toEqual([2, `wus: error: ${dir}/policy.yaml: "policy" is a setting of \`wus train\` only; \`wus compare\` takes a list, "policies"`]);
  });

  it('a plugin module that is not there: the path looked at, or the package, and what to do', async () => {
    const file = await wus(['plugins', '--plugin', './no-such-plugin.mjs']);
    expect([file.code, file.stderr]).toEqual([2, `wus: error: cannot load plugin module "./no-such-plugin.mjs": no such file ${join(process.cwd(), 'no-such-plugin.mjs')}; check the path given to --plugin\n`]);
    const pkg = await wus(['train', '--plugin', 'wus-no-such-package', ...quick]);
    expect([pkg.code, pkg.stderr]).toEqual([2, 'wus: error: cannot load plugin module "wus-no-such-package": no installed package "wus-no-such-package"; install it (npm install wus-no-such-package) or give the module\'s file path (./my-plugin.mjs)\n']);
  });

  it('a run store that cannot be written: the path and what to do, before any data loads (exit 5)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'store-')), 'a-file');
    writeFileSync(file, '');
    const r = await wus(['train', ...quick], join(file, 'runs'));
    expect([r.code, r.stderr]).toEqual([5, `wus: error: run store ${file}/runs: ${file} is a file, not a folder; set WUS_HOME to a folder you can write to (runs go to $WUS_HOME/runs; default ./.wus/runs)\n`]);
    // /proc refuses new folders (Node's recursive mkdir would spin there for ever).
    const proc = await wus(['compare', ...quick], '/proc/wus-store/runs');
    expect([proc.code, proc.stderr]).toEqual([5, expect.stringMatching(/^wus: error: run store \/proc\/wus-store\/runs: cannot create \/proc\/wus-store \(E[A-Z]+\); set WUS_HOME/)]);
  });

  it('a misspelt plugin option is refused with the right one suggested', async () => {
    const r = await wus(['train', '-p', 'wus', '-o', 'wus.treshold=0.1', ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('wus: error: plugin "wus": invalid options for skip-policy "wus": unknown option "treshold" (did you mean "threshold"?)');
    const policy = await wus(['train', '-p', 'wsu', ...quick]);
    expect(policy.stderr.trim()).toMatch(/^wus: error: unknown skip-policy "wsu"; registered: all, .*, wus-lr; did you mean "wus"\?$/);
  });

  it('a missing data directory says what to do given what is installed here (exit 3)', async () => {
    const r = await wus(['train', '--data-dir', '/nonexistent/fmnist', ...quick]);
    expect(r.code).toBe(3);
    const debian = DEBIAN_FASHION_MNIST_DIR;
    // One line, and no advice to install a package that is already there.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    if (existsSync(join(debian, 'train-images-idx3-ubyte.gz'))) {
      expect(r.stderr).toMatch(/leave out --data-dir to use the full set Debian's dataset-fashion-mnist installed in \/usr\/share\/datasets\/fashion-mnist\.$/m);
      expect(r.stderr).not.toMatch(/apt-get install/);
    } else {
      expect(r.stderr).toMatch(/leave out --data-dir to use the bundled 6000-image subset, or install the full set \(as root: apt-get install dataset-fashion-mnist\)\.$/m);
    }
  });
});

describe('usage errors: one line, our prefix, the flag as typed, exit 2', () => {
  it.each([
    [['train', '--batch-size', 'abc'], 'wus: error: --batch-size must be a number, got "abc"'],
    [['train', '--bach-size', '3'], 'wus: error: unknown option --bach-size (did you mean --batch-size?); see `wus train --help`'],
    [['train', '--zzz'], 'wus: error: unknown option --zzz; see `wus train --help`'],
    [['trian'], 'wus: error: unknown command "trian" (did you mean train?); see `wus --help`'],
    [['compare', '--interleave', 'sometimes'], 'wus: error: --interleave must be one of: epoch, off, got "sometimes"; see `wus compare --help`'],
    [['train', '--optimizer', 'adamw'], 'wus: error: --optimizer must be one of: sgd, adam, got "adamw"; see `wus train --help`'],
    [['train', '-o'], 'wus: error: --policy-option needs a value (plugin.key=value); see `wus train --help`'],
    [['evaluate'], 'wus: error: missing argument <runId>; see `wus evaluate --help`'],
    [['runs', 'show'], 'wus: error: missing argument <runId>; see `wus runs show --help`'],
    [['train', 'extra'], 'wus: error: unexpected argument(s): extra; see `wus train --help`'],
    [['plugins', 'wuss'], 'wus: error: no plugin named "wuss"; did you mean "wus"? (`wus plugins` lists them all)'],
    [['config'], 'wus: error: wus config needs --schema: `wus config --schema` prints every config-file key with its type, default, flag and meaning'],
  ])('wus %j', async (args, line) => {
    const r = await wus(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.stdout).toBe('');
  });
});
