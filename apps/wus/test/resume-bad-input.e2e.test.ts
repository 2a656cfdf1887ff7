import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StopSignal } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';
import { wus } from './capture.js';

const bundledSubset = join(dirname(fileURLToPath(import.meta.url)), '../../../packages/datasets/data/fashion-mnist-subset');
const SMALL = ['--model', 'mlp', '--limit', '1024', '--epochs', '3', '--batch-size', '64'];

async function interrupted(args: string[], storeRoot: string, when: RegExp): Promise<number> {
  const stop = new StopSignal();
  const output: Output = { out: () => undefined, err: (t) => void (when.test(t) && stop.request('SIGINT')), interactive: false };
  return runCli(args, { storeRoot, output, stop });
}

/** Every file under `dir` with its bytes and mtime: "nothing written" is checked against it. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else out[relative(dir, p)] = `${(await readFile(p)).toString('base64')}@${(await stat(p)).mtimeMs}`;
    }
  };
  await visit(dir);
  return out;
}

/** A store with a finished run, a killed run (mid-epoch 2) and a killed study. */
let root: string;
let finished: string;
let killed: string;
let study: string;
const forgetful = join(mkdtempSync(join(tmpdir(), 'wus-plugin-')), 'forgetful.mjs');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wus-store-'));
  writeFileSync(
    forgetful,
    `export default { kind: 'skip-policy', name: 'forgetful', description: 'counts evaluations, cannot save them',
       create: () => { let n = 0; return { description: 'forgetful', onEvaluation: () => void n++, plan: () => ({ groups: ['weight', 'bias', 'norm-scale', 'norm-shift'] }) }; } };\n`,
  );
  expect((await wus(['train', ...SMALL], root)).code).toBe(0);
  expect(await interrupted(['train', ...SMALL, '--checkpoint-steps', '5', '-p', 'wus'], root, /^wus epoch {2}1\/3/)).toBe(130);
  expect(await interrupted(['compare', ...SMALL, '-P', 'never,wus'], root, /^wus epoch {2}1\/3/)).toBe(130);
  expect(await interrupted(['train', ...SMALL, '--plugin', forgetful, '-p', 'forgetful'], root, /^forgetful epoch {2}1\/3/)).toBe(130);
  const runs = await new LocalRunStore(root).listRuns({});
  finished = runs.find((r) => r.status === 'FINISHED' && r.parentRunId === null)!.runId;
  killed = runs.find((r) => r.name === 'mlp · wus · seed 42' && r.parentRunId === null)!.runId;
  study = runs.find((r) => r.name.startsWith('compare'))!.runId;
});

/** Runs `args` on the store: exit 2, the message, and not a byte of the store changed. */
async function refused(args: string[], message: RegExp, storeRoot = root): Promise<string> {
  const before = await snapshot(storeRoot);
  const r = await wus(args, storeRoot);
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(message);
  expect(await snapshot(storeRoot)).toEqual(before);
  return r.stderr;
}

describe('--resume: bad input is refused in one line, exit 2, nothing written', () => {
  it('an unknown run id', async () => {
    await refused(['train', '--resume', 'abcdef12'], /^wus: error: --resume abcdef12: No run with id "abcdef12" in the run store/);
  });

  it('an ambiguous prefix', async () => {
    // A second run folder sharing the killed run's first 8 characters (a copy under another id).
    const store = mkdtempSync(join(tmpdir(), 'wus-store-'));
    cpSync(root, store, { recursive: true });
    const twin = `${killed.slice(0, 8)}-0000-4000-8000-000000000000`;
    const dir = join(store, 'wus-fashion-mnist', killed);
    cpSync(dir, join(store, 'wus-fashion-mnist', twin), { recursive: true });
    const meta = JSON.parse(readFileSync(join(store, 'wus-fashion-mnist', twin, 'meta.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(store, 'wus-fashion-mnist', twin, 'meta.json'), JSON.stringify({ ...meta, runId: twin }));
    await refused(['train', '--resume', killed.slice(0, 8)], /^wus: error: --resume [0-9a-f]{8}: Run id "[0-9a-f]{8}" is ambiguous .* it prefixes 2 runs/, store);
  });

  it('a finished run', async () => {
    await refused(['train', '--resume', finished], new RegExp(`^wus: error: run ${finished} finished; there is nothing to resume$`));
  });

  it('a study given to train, a single run given to compare, a trial of a study given to train', async () => {
    await refused(['train', '--resume', study], new RegExp(`is a study \\(wus compare\\): resume it with \`wus compare --resume ${study.slice(0, 8)}\``));
    await refused(['compare', '--resume', killed], new RegExp(`is not a study .* resume it with \`wus train --resume ${killed.slice(0, 8)}\``));
    const trial = (await new LocalRunStore(root).listRuns({ parentRunId: study }))[0]!.runId;
    await refused(['train', '--resume', trial], new RegExp(`is a trial of study ${study}: resume the study with \`wus compare --resume ${study.slice(0, 8)}\``));
  });

  it('another configuration than the run had: another model, learning rate or policy option', async () => {
    await refused(['train', '--resume', killed, '--model', 'lenet5', '--lr', '0.1'], /continues the run with its own settings, and these differ: --model "lenet5" \(the run has "mlp"\), --lr 0\.1 \(the run has 0\.05\); drop them, or start a new run$/);
    await refused(['train', '--resume', killed, '-o', 'wus.threshold=0.5'], /these differ: --policy \{"name":"wus","options":\{"threshold":0\.5\}\} \(the run has \{"name":"wus","options":\{\}\}\)/);
    // The same settings again are fine, and so is naming where the same data lies.
    const store = mkdtempSync(join(tmpdir(), 'wus-store-'));
    cpSync(root, store, { recursive: true });
    const r = await wus(['train', '--resume', killed, '--model', 'mlp', '--epochs', '3', '--data-dir', '/usr/share/datasets/fashion-mnist'], store);
    expect(r.code, r.stderr).toBe(0);
  });

  it('other data than the checkpoint was written on (another data directory)', async () => {
    const stderr = await refused(['train', '--resume', killed, '--data-dir', bundledSubset], /^wus: error: checkpoint .*ckpt-\d+\.wusckpt was written training on fashion-mnist from \/usr\/share\/datasets\/fashion-mnist .* but the data loaded now is fashion-mnist from .*fashion-mnist-subset .* and differs/);
    expect(stderr).toMatch(/^data: /m);
  });

  it('a plugin that listens to events but cannot save its state: refused before any data loads', async () => {
    const run = (await new LocalRunStore(root).listRuns({})).find((r) => r.name === 'mlp · forgetful · seed 42')!.runId;
    const stderr = await refused(['train', '--resume', run, '--plugin', forgetful], /^wus: error: skip policy "forgetful" listens to training events but has no state\(\)\/restore\(\), so a resumed run would forget what it learnt; implement state\(\) and restore\(\)/);
    expect(stderr).not.toMatch(/^data: /m);
  });

  it('a damaged newest checkpoint: named, refused, the previous one offered — and usable once the damaged one is removed', async () => {
    const store = mkdtempSync(join(tmpdir(), 'wus-store-'));
    cpSync(root, store, { recursive: true });
    const dir = join(store, 'wus-fashion-mnist', killed, 'checkpoints');
    const [older, newest] = readdirSync(dir).sort();
    truncateSync(join(dir, newest!), 1000);
    await refused(
      ['train', '--resume', killed],
      new RegExp(`checkpoint .*${newest!.replace('.', '\\.')} is damaged or truncated \\(1000 bytes; its checksum does not match\\); the previous checkpoint is .*${older!.replace('.', '\\.')}: delete the damaged file to resume from it$`),
      store,
    );
    renameSync(join(dir, newest!), join(store, 'damaged.wusckpt'));
    const r = await wus(['train', '--resume', killed], store);
    expect(r.code, r.stderr).toBe(0);
    rmSync(join(store, 'damaged.wusckpt'));
  });

  it('a run another process is still writing', async () => {
    const store = new LocalRunStore(mkdtempSync(join(tmpdir(), 'wus-store-')));
    const live = await store.startRun({ name: 'live', experiment: 'default', tags: { 'wus.role': 'trial' } });
    await refused(['train', '--resume', live.id], new RegExp(`^wus: error: run ${live.id} is still running \\(process ${process.pid}\\); stop it first$`), store.root);
  });
});
