import { Option, type Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { applyOptionOverrides, parseAssignment } from '../config/overrides.js';
import { resolveConfig } from '../config/load.js';
import { compareConfig, experimentOf, trainConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { ExperimentRunner } from '../experiment/runner.js';
import { Study } from '../experiment/study.js';
import { compareRows, formatTable } from '../report/compare-table.js';
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

export function registerTrain(program: Command, container: () => DependencyContainer): void {
  addTrainingFlags(
    program
      .command('train')
      .description('train one model with one skip policy (default: never skip) and record the run')
      .option('-p, --policy <name>', 'skip policy (default never; see `wus plugins`)'),
  ).action(async (flags: TrainingFlags & { policy?: string }) => {
    const c = container();
    const base = await resolveConfig(trainConfig, flags.config, { ...flagsToConfig(flags), policy: flags.policy });
    const specs = applyOptionOverrides([base.policy, ...base.callbacks, ...(base.lrSchedule === undefined ? [] : [base.lrSchedule])], flags.policyOption ?? []);
    const config = {
      ...base,
      policy: specs[0]!,
      callbacks: specs.slice(1, 1 + base.callbacks.length),
      ...(base.lrSchedule === undefined ? {} : { lrSchedule: specs[specs.length - 1]! }),
      modelOptions: withAssignments(flags.modelOption, base.modelOptions),
      datasetOptions: withAssignments(flags.datasetOption, base.datasetOptions),
    };
    const runner = c.resolve(ExperimentRunner);
    const session = await runner.open(config);
    const policy = config.policy;
    const trial = await runner.runTrial(session, policy, { label: typeof policy === 'string' ? policy : policy.name });
    const links = await runner.runLinks(trial.runId, experimentOf(config));
    if (links !== undefined) c.resolve<Output>(TOKENS.Output).err(`mlflow: run ${links.run} — all runs: ${links.experiment}`);
    const out = c.resolve<Output>(TOKENS.Output);
    const [row] = compareRows([trial]);
    out.out(flags.json === true ? JSON.stringify({ ...row, epochs: trial.result.epochs }, null, 2) : `${formatTable([row!])}\nrun ${trial.runId}`);
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
    const base = await resolveConfig(compareConfig, flags.config, { ...flagsToConfig(flags), policies, interleave: flags.interleave, control: flags.control });
    const specs = applyOptionOverrides([...base.policies, ...base.callbacks, ...(base.lrSchedule === undefined ? [] : [base.lrSchedule])], flags.policyOption ?? []);
    const config = {
      ...base,
      policies: specs.slice(0, base.policies.length),
      callbacks: specs.slice(base.policies.length, base.policies.length + base.callbacks.length),
      ...(base.lrSchedule === undefined ? {} : { lrSchedule: specs[specs.length - 1]! }),
      modelOptions: withAssignments(flags.modelOption, base.modelOptions),
      datasetOptions: withAssignments(flags.datasetOption, base.datasetOptions),
    };
    const outcome = await c.resolve(Study).run(config);
    const out = c.resolve<Output>(TOKENS.Output);
    out.out(flags.json === true ? JSON.stringify({ studyRunId: outcome.studyRunId, rows: outcome.rows }, null, 2) : outcome.table);
  });
}
