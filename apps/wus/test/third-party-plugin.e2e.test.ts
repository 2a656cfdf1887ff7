import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StopSignal } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';
import { wus } from './capture.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** A third-party policy, written as its README tells an author: against `@wus/core/plugin-api` only. */
const PLUGIN_SOURCE = `
import { ConfigError, FULL_UPDATE, skipWeights, stateObject, type EvaluationRecord, type PluginState, type SkipPolicy, type SkipPolicyPlugin, type Stateful, type TrainingContext, type UpdatePlan } from '@wus/core/plugin-api';

/** Skips weights for an epoch after every epoch whose validation accuracy rose less than \`gain\`. */
class SkipAfterSmallGain implements SkipPolicy, Stateful {
  readonly description: string;
  private last: number | undefined;
  private skipNext = false;
  constructor(private readonly gain: number) {
    this.description = \`skip-after-small-gain(gain=\${gain})\`;
  }
  plan(_ctx: TrainingContext): UpdatePlan {
    return this.skipNext ? skipWeights() : FULL_UPDATE;
  }
  onEvaluation(_ctx: TrainingContext, ev: EvaluationRecord): void {
    const acc = ev.metrics['val_accuracy']!;
    this.skipNext = this.last !== undefined && acc - this.last < this.gain && ev.fullyUpdated;
    this.last = acc;
  }
  state(): PluginState {
    return { last: this.last ?? null, skipNext: this.skipNext };
  }
  restore(state: PluginState): void {
    const s = stateObject(state, this.description);
    this.last = (s['last'] as number | null) ?? undefined;
    this.skipNext = s['skipNext'] as boolean;
  }
}

const plugin: SkipPolicyPlugin = {
  kind: 'skip-policy',
  name: 'skip-after-small-gain',
  description: 'skips weights for an epoch after a small gain in validation accuracy',
  create(options) {
    const gain = (options as { gain?: unknown } | undefined)?.gain ?? 0.05;
    if (typeof gain !== 'number' || gain < 0) throw new ConfigError(\`gain must be a number ≥ 0, got \${JSON.stringify(gain)}\`);
    return new SkipAfterSmallGain(gain);
  },
};
export default plugin;
`;

let pluginFile: string;

/**
 * The plugin lives in a project of its own outside this repository, with @wus/core installed
 * from the package this repository builds (`npm pack`), as a plugin author would install it.
 */
beforeAll(() => {
  execFileSync(process.execPath, [tsc, '-p', join(repo, 'packages/core/tsconfig.build.json')], { stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'wus-third-party-'));
  execFileSync('npm', ['pack', join(repo, 'packages/core'), '--pack-destination', work, '--silent'], { cwd: work });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  const project = join(work, 'my-plugin');
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-plugin', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: project, stdio: 'inherit' });
  writeFileSync(join(project, 'src/plugin.ts'), PLUGIN_SOURCE);
  // Type-checked (strict) against the installed package's declarations, then compiled.
  execFileSync(process.execPath, [tsc, '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', '--outDir', join(project, 'dist'), join(project, 'src/plugin.ts')], { stdio: 'inherit' });
  // At run time the contract needs no TensorFlow.js: take it away to prove it.
  rmSync(join(project, 'node_modules/@tensorflow'), { recursive: true });
  pluginFile = join(project, 'dist/plugin.js');
}, 300_000);

describe('a third-party plugin written against the published @wus/core/plugin-api', () => {
  it('type-checks against the installed package, loads without TensorFlow.js, trains, and resumes', async () => {
    const storeRoot = mkdtempSync(join(tmpdir(), 'wus-store-'));
    const args = ['train', '--model', 'mlp', '--limit', '1024', '--epochs', '4', '--batch-size', '64', '--plugin', pluginFile, '-p', 'skip-after-small-gain', '-o', 'skip-after-small-gain.gain=0.5'];
    const stop = new StopSignal();
    const output: Output = { out: () => undefined, err: (t) => void (/ epoch {2}2\/4 /.test(t) && stop.request('SIGINT')), interactive: false };
    expect(await runCli(args, { storeRoot, output, stop })).toBe(130);
    const [run] = await new LocalRunStore(storeRoot).listRuns({});
    const r = await wus(['train', '--resume', run!.runId, '--plugin', pluginFile], storeRoot);
    expect(r.code, r.stderr).toBe(0);
    // A gain of 0.5 is never reached: epoch 3 (stopped after its first step) skips weights in
    // every step — the decision came back with the plugin's state — and epoch 4 updates them.
    expect(r.stderr).toMatch(/^skip-after-small-gain: resuming run [0-9a-f]{8}: epoch 3, after step 1$/m);
    expect(r.stderr).toMatch(/^skip-after-small-gain epoch {2}3\/4 .* update bias\+norm-shift {2}\[3\/4 epochs/m);
    expect(r.stderr).toMatch(/^skip-after-small-gain epoch {2}4\/4 .* full {2}\[4\/4 epochs/m);
  });

  it("the plugin's own ConfigError (its copy of the package) reaches the user as one line, exit 2", async () => {
    const r = await wus(['train', '--limit', '256', '--epochs', '1', '--plugin', pluginFile, '-p', 'skip-after-small-gain', '-o', 'skip-after-small-gain.gain=-1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('wus: error: plugin "skip-after-small-gain": gain must be a number ≥ 0, got -1');
  });
});
