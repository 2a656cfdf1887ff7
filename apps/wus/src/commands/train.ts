import { Option, type Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { LocalRunStore, RunDetails } from '@wus/tracking';
import { applyOptionOverrides, parseAssignment } from '../config/overrides.js';
import { givenSettings, resolveConfig } from '../config/load.js';
import { compareConfig, experimentOf, trainConfig, type CompareConfig, type TrainConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { resumableRun, resumedConfig, storedConfig } from '../experiment/resume.js';
import { ExperimentRunner } from '../experiment/runner.js';
import { ensureStoreRoot } from '../experiment/store-root.js';
import { Study } from '../experiment/study.js';
import { compareRows, formatTable } from '../report/compare-table.js';
import { resultsLine } from '../report/results-line.js';
import { addTrainingFlags, flagsToConfig, type TrainingFlags } from './training-flags.js';

/** `key=value` flags (`--model-option`, `--dataset-option`) over the config file's options. */
function withAssignments(assignments: readonly string[] | undefined, fromConfig: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fromConfig };
  for (const a of assignments ?? []) {
    const { key, value } = parseAssignment(a);
    out[key] = value;
  }
  return out;
}

type PluginSpec = TrainConfig['policy'];
/** What train's and compare's configurations share, which the edit flags reach. */
type Editable = Pick<TrainConfig, 'callbacks' | 'lrSchedule' | 'modelOptions' | 'datasetOptions'>;

/**
 * The flags that edit a parsed configuration rather than set a key: `-o` into the trials'
 * policies (`policy` for train, `policies` for compare), callbacks and LR schedule;
 * `--model-option` and `--dataset-option` into the plugins' options.
 */
function applyEditFlags<C extends Editable>(base: C, flags: TrainingFlags, policies: readonly PluginSpec[], setPolicies: (c: C, specs: PluginSpec[]) => C): C {
  const specs = applyOptionOverrides([...policies, ...base.callbacks, ...(base.lrSchedule === undefined ? [] : [base.lrSchedule])], flags.policyOption ?? []);
  return setPolicies(
    {
      ...base,
      callbacks: specs.slice(policies.length, policies.length + base.callbacks.length),
      ...(base.lrSchedule === undefined ? {} : { lrSchedule: specs[specs.length - 1]! }),
      modelOptions: withAssignments(flags.modelOption, base.modelOptions),
      datasetOptions: withAssignments(flags.datasetOption, base.datasetOptions),
    },
    specs.slice(0, policies.length),
  );
}

/**
 * The configuration a command runs with: the config file under the flags — or, with `--resume`,
 * the run's own, which flags given again must not change.
 */
async function settings<S extends typeof trainConfig | typeof compareConfig>(
  c: DependencyContainer,
  command: 'train' | 'compare',
  schema: S,
  flags: TrainingFlags,
  extra: Record<string, unknown>,
  edit: (config: z.output<S>) => z.output<S>,
): Promise<{ config: z.output<S>; resume: RunDetails | undefined }> {
  const given = { ...flagsToConfig(flags), ...extra };
  if (flags.resume === undefined) return { config: edit((await resolveConfig(schema, flags.config, given)) as z.output<S>), resume: undefined };
  const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
  const resume = await resumableRun(store, flags.resume, command);
  // (zod's types cannot follow a schema generic over two object schemas; the values can.)
  const config = resumedConfig(schema as z.ZodType, await storedConfig(store, resume), await givenSettings(flags.config, given), resume.info.runId, edit as (c: unknown) => unknown) as z.output<S>;
  return { config, resume };
}

export function registerTrain(program: Command, container: () => DependencyContainer): void {
  addTrainingFlags(
    program
      .command('train')
      .description('train one model with one skip policy (default: never skip) and record the run')
      .option('-p, --policy <name>', 'skip policy (default never; see `wus plugins`)'),
  ).action(async (flags: TrainingFlags & { policy?: string }) => {
    const c = container();
    const edit = (base: TrainConfig) => applyEditFlags(base, flags, [base.policy], (cfg, [policy]) => ({ ...cfg, policy: policy! }));
    const { config, resume } = await settings(c, 'train', trainConfig, flags, { policy: flags.policy }, edit);
    const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
    await ensureStoreRoot(store.root);
    const runner = c.resolve(ExperimentRunner);
    const session = await runner.open(config, [config.policy], { resuming: resume !== undefined });
    const policy = config.policy;
    const label = typeof policy === 'string' ? policy : policy.name;
    const trial = await runner.runTrial(session, policy, { label, ...(resume === undefined ? {} : { resumeRunId: resume.info.runId }) });
    const links = await runner.runLinks(trial.runId, experimentOf(config));
    const out = c.resolve<Output>(TOKENS.Output);
    const [row] = compareRows([trial]);
    out.out(flags.json === true ? JSON.stringify({ ...row, epochs: trial.result.epochs }, null, 2) : formatTable([row!]));
    out.err(resultsLine({ kind: 'run', id: trial.runId }, store.root, experimentOf(config), links));
  });
}

export function registerCompare(program: Command, container: () => DependencyContainer): void {
  addTrainingFlags(
    program
      .command('compare')
      .description('train the baseline and skip policies on identical seed, data order and schedule; print the paper-style table')
      .option('-P, --policies <list>', 'comma-separated policies, baseline first (default never,wus,wus-lr)')
      .addOption(new Option('--interleave <mode>', 'epoch: trials advance one epoch each per round (default); off: one after another').choices(['epoch', 'off']))
      .option('--control', 'add a second baseline and print how far identical work measures apart'),
  ).action(async (flags: TrainingFlags & { policies?: string; interleave?: string; control?: boolean }) => {
    const c = container();
    const policies = flags.policies?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const edit = (base: CompareConfig) => applyEditFlags(base, flags, base.policies, (cfg, specs) => ({ ...cfg, policies: specs }));
    const { config, resume } = await settings(c, 'compare', compareConfig, flags, { policies, interleave: flags.interleave, control: flags.control }, edit);
    const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
    await ensureStoreRoot(store.root);
    const outcome = await c.resolve(Study).run(config, resume);
    const out = c.resolve<Output>(TOKENS.Output);
    out.out(flags.json === true ? JSON.stringify({ studyRunId: outcome.studyRunId, rows: outcome.rows }, null, 2) : outcome.table);
    out.err(resultsLine({ kind: 'study', id: outcome.studyRunId, trials: outcome.trials.length }, store.root, experimentOf(config), outcome.links));
  });
}
