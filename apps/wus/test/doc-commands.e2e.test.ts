import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_FASHION_MNIST_DIR } from '@wus/datasets';
import { writeCifar100Fixture, writeCifar10Fixture } from '@wus/datasets/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StopSignal } from '@wus/core';
import { LocalRunStore } from '@wus/tracking';
import { runCli } from '../src/cli/program.js';
import type { Output } from '../src/container.js';
import { wus } from './capture.js';
import { codeBlocks, docFiles, readDoc, root } from './docs.js';

/**
 * Every `wus …` command the READMEs and docs show is run (in code blocks and in inline code;
 * `node apps/wus/dist/main.js …` and `npm run wus -- …` are the same CLI), so a command that
 * stops working fails CI. Training commands run on a slice of the data for one epoch, the CIFAR
 * networks at a quarter of their width (flags appended: the last value of a flag wins); placeholders (`<id>`, `NAME`,
 * `~/data`) are filled with real values; fashion-mnist reads the bundled subset and CIFAR a
 * generated fixture in the real binary format. Synopsis lines (`[--flag]`, `…`) are not
 * runnable: each flag they show must exist in that command's --help. A bare command name in
 * prose (`wus sync`) must be a command.
 */
const PREFIX = /^(?:\$ )?(?:wus|node apps\/wus\/dist\/main\.js|npm run wus --)(?= |$)/;
const QUICK = ['--limit', '96', '--epochs', '1', '--batch-size', '32'];
const TRAINS = new Set(['train', 'compare']);
/** The CIFAR networks train at a quarter of their width here unless the command sets one. */
const WIDE = /--model (alexnet|vgg11|vgg16|resnet18)\b/;

/** The documented command as run here: on a slice of the data, one epoch, narrower conv nets. */
function quick(args: string[]): string[] {
  // A resumed run keeps its own settings (the run resumed here was started with QUICK's).
  if (!TRAINS.has(args[0]!) || args.includes('--resume')) return args;
  const text = args.join(' ');
  return [...args, ...QUICK, ...(WIDE.test(text) && !text.includes('widthMultiplier=') ? ['--model-option', 'widthMultiplier=0.25'] : [])];
}

interface DocCommand {
  readonly text: string;
  readonly where: string[];
}

/** The documented commands, deduplicated, each with every place it appears. */
function documentedCommands(): DocCommand[] {
  const found = new Map<string, string[]>();
  const add = (text: string, where: string) => found.set(text, [...(found.get(text) ?? []), where]);
  for (const b of codeBlocks()) {
    for (const line of b.text.split('\n')) {
      // A command, not output that starts with a trial named "wus" (`wus     68.7 s …`).
      const text = line.replace(/\s+#.*$/, '').trim();
      if (PREFIX.test(text) && !/^wus\s+\d/.test(text)) add(text.replace(/\s+/g, ' '), b.where);
    }
  }
  for (const file of docFiles) {
    const prose = readDoc(file).replace(/```[a-z]*\n[\s\S]*?```/g, '');
    for (const m of prose.matchAll(/`([^`]+)`/g)) {
      const text = m[1]!.replace(/\s*\n\s*/g, ' ').trim();
      if (PREFIX.test(text)) add(text, file);
    }
  }
  return [...found].map(([text, where]) => ({ text, where: [...new Set(where)] }));
}

const argsOf = (text: string) => text.replace(PREFIX, '').trim().split(/\s+/).filter((a) => a !== '');
const isSynopsis = (text: string) => /[[\]|…]|\.\.\./.test(text);
const commands = documentedCommands();
const runnable = commands.filter((c) => !isSynopsis(c.text) && argsOf(c.text).length > 1);
const synopses = commands.filter((c) => isSynopsis(c.text));
const names = commands.filter((c) => !isSynopsis(c.text) && argsOf(c.text).length === 1);

let cwd = '';

/** What the placeholders of the docs stand for; filled in beforeAll. */
const fill = { store: '', trialId: '', cifar10: '', data: '', everyThird: '', stopped: { train: '', compare: '' } };

function substitute(args: string[]): string[] {
  // `--resume <run>`: a run of that command stopped by Ctrl-C, as a user has one then.
  const resumed = args[args.indexOf('--resume') + 1];
  if (args.includes('--resume') && resumed !== undefined && /^<.*>$/.test(resumed)) args = args.map((a, i) => (i === args.indexOf('--resume') + 1 ? fill.stopped[args[0] as 'train' | 'compare'] : a));
  return args.map((a) =>
    a
      .replace(/^<(id|run|runId|trial id)>$/, fill.trialId)
      .replace(/^NAME$/, 'wus')
      .replace(/^MODEL$/, 'vgg11')
      .replace(/^~\/data\/cifar-10-batches-bin$/, fill.cifar10)
      .replace(/^~\/data$/, fill.data)
      .replace(/^\.\/every-third\.mjs$/, fill.everyThird)
      .replace(/^examples\//, `${root}/examples/`),
  );
}

beforeAll(async () => {
  // The full Fashion-MNIST where installed: a smaller test split keeps these runs short.
  vi.stubEnv('WUS_DATA_DIR', BUNDLED_FASHION_MNIST_DIR);
  const dir = mkdtempSync(join(tmpdir(), 'doc-commands-'));
  fill.data = join(dir, 'data');
  fill.cifar10 = await writeCifar10Fixture(join(fill.data, 'cifar-10-batches-bin'), { perBatch: 16, test: 16 });
  await writeCifar100Fixture(join(fill.data, 'cifar-100-binary'), { train: 80, test: 20 });
  // The README's plugin sample, saved under the name its header gives it.
  const sample = codeBlocks().find((b) => b.lang === 'js' && b.text.startsWith('// every-third.mjs'));
  expect(sample, 'README.md shows every-third.mjs').toBeDefined();
  mkdirSync(join(dir, 'cwd'));
  // What a documented command writes to the current folder (`wus export … --out ./x`) lands here.
  cwd = process.cwd();
  process.chdir(join(dir, 'cwd'));
  fill.everyThird = join(dir, 'cwd', 'every-third.mjs');
  writeFileSync(fill.everyThird, sample!.text);
  // A trained trial, as a user has one before `wus runs show <id>` or `wus evaluate <run>`.
  fill.store = join(dir, 'store');
  const trained = await wus(['train', ...QUICK, '--json'], fill.store);
  expect(trained.code, trained.stderr).toBe(0);
  fill.trialId = (JSON.parse(trained.stdout) as { runId: string }).runId;
  // Runs stopped after their first step (Ctrl-C), for `wus train|compare --resume <run>`.
  for (const command of ['train', 'compare'] as const) {
    // Requested up front, the stop takes effect after the first training step.
    const stop = new StopSignal();
    stop.request('SIGINT');
    const output: Output = { out: () => undefined, err: () => undefined, interactive: false };
    const before = new Set((await new LocalRunStore(fill.store).listRuns({})).map((r) => r.runId));
    expect(await runCli([command, ...QUICK, ...(command === 'compare' ? ['-P', 'never,wus'] : [])], { storeRoot: fill.store, output, stop })).toBe(130);
    const made = (await new LocalRunStore(fill.store).listRuns({})).filter((r) => !before.has(r.runId) && r.parentRunId === null);
    fill.stopped[command] = made[0]!.runId;
  }
});

afterAll(() => {
  vi.unstubAllEnvs();
  process.chdir(cwd);
});

describe('commands shown in the READMEs and docs', () => {
  it('are found', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(12);
    expect(runnable.map((c) => c.text)).toEqual(
      expect.arrayContaining(['wus plugins vgg11', 'wus compare --plugin ./every-third.mjs -P never,every-third', 'wus evaluate <run>', 'node apps/wus/dist/main.js runs show <id>', 'wus config --schema']),
    );
  });

  it.each(runnable.map((c) => [c.text, c.where.join(', '), c] as const))('%s (%s) runs', async (_text, _where, c) => {
    const args = substitute(argsOf(c.text));
    const r = await wus(quick(args), fill.store);
    expect(r.code, `${c.text} (in ${c.where.join(', ')}): ${r.stderr}`).toBe(0);
    expect(r.stdout.trim()).not.toBe('');
    // Plain text whatever the terminal: no ANSI colour or cursor codes in what a user pipes or logs.
    expect(r.stdout + r.stderr).not.toContain('\u001b');
  });

  it.each(synopses.map((c) => [c.text, c.where.join(', '), c] as const))('synopsis %s (%s) shows only real flags', async (_text, _where, c) => {
    const [command] = argsOf(c.text);
    const help = await wus(command === undefined || command.startsWith('…') || command === '...' ? ['--help'] : [command, '--help']);
    expect(help.code, `${c.text}: ${help.stderr}`).toBe(0);
    for (const flag of c.text.match(/(?<=[\s[])--?[a-zA-Z][\w-]*/g) ?? []) expect(help.stdout, `${flag} in ${c.text} (${c.where.join(', ')})`).toMatch(new RegExp(`(^|[ ,])${flag}[ ,]`, 'm'));
  });

  it.each(names.map((c) => [c.text, c.where.join(', '), c] as const))('%s (%s) names a command', async (_text, _where, c) => {
    const [command] = argsOf(c.text);
    if (command === undefined) return;
    const help = await wus([command, '--help']);
    expect(help.code, `${c.text} (in ${c.where.join(', ')}): ${help.stderr}`).toBe(0);
  });
});

/**
 * The other shell commands of the same pages are not run here — CI runs `npm test`,
 * `.ci/run` and `npm run setup:native` itself, the main job takes minutes and benchmarks have no
 * place in a test — but each must name something that exists: the script or file, the npm
 * script (of the root or of the `-w` workspace), the nx project and target.
 */
describe('other shell commands in the same pages', () => {
  const pkg = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> };
  const workspaces = ['apps', 'packages', 'plugins', 'tools'].flatMap((d) => readdirSync(join(root, d)).filter((p) => existsSync(join(root, d, p, 'package.json'))).map((p) => `${d}/${p}`));
  const scriptsOf = (name: string) => pkg(workspaces.find((w) => pkg(w).name === name) ?? '.').scripts ?? {};
  const shell = [...new Set(docFiles.flatMap((file) => [...readDoc(file).matchAll(/(?:^|`|\n\s*|&& )((?:bash|node|npm run|npx nx run) [^`\n#&]*)/g)].map((m) => `${m[1]!.trim()}\t${file}`)))].map((x) => x.split('\t') as [string, string]);

  it.each(shell.filter(([c]) => !PREFIX.test(c)))('%s (%s)', (command) => {
    const [tool, first, ...rest] = command.split(/\s+/);
    if (tool === 'bash' || tool === 'node') {
      // Build outputs stand for their sources.
      const source = first!.replace(/^(apps|tools)\/([\w-]+)\/dist\/(.*)\.js$/, '$1/$2/src/$3.ts');
      expect(existsSync(join(root, source)), `${command}: ${source}`).toBe(true);
    } else if (tool === 'npm') {
      const workspace = rest[rest.indexOf('-w') + 1];
      const scripts = rest.includes('-w') ? scriptsOf(workspace!) : pkg('.').scripts ?? {};
      expect(Object.keys(scripts), command).toContain(rest[0]);
    } else {
      const [project, target] = rest[1]!.split(':');
      expect(Object.keys(scriptsOf(project!)), command).toContain(target);
    }
  });
});
