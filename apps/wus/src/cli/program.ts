import { Command, CommanderError } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import { registerConfig } from '../commands/config.js';
import { registerEvaluate } from '../commands/evaluate.js';
import { registerExport } from '../commands/export.js';
import { registerPlugins } from '../commands/plugins.js';
import { registerRuns } from '../commands/runs.js';
import { registerSweep, registerWorker } from '../commands/sweep.js';
import { registerSync } from '../commands/sync.js';
import { registerCompare, registerTrain } from '../commands/train.js';
import { createContainer, processOutput, type ContainerOptions } from '../container.js';
import { EXIT_CODES, describeError, exitCodeOf } from './exit-codes.js';
import { usageErrorLine } from './usage-error.js';

export function buildProgram(containerOptions: ContainerOptions = {}): Command {
  const output = containerOptions.output ?? processOutput;
  let container: DependencyContainer | undefined;
  // Built lazily: `--help` and usage errors need no registry or store.
  // `wus worker --store DIR` sets where runs go before anything is built.
  const get = (overrides: Partial<ContainerOptions> = {}) => (container ??= createContainer({ ...containerOptions, ...overrides }));
  const program = new Command('wus')
    .description('Weight Update Skipping: train neural networks faster by skipping weight updates on accuracy plateaus')
    .version('0.1.0')
    .option('--debug', 'print stack traces of errors (also WUS_DEBUG=1)')
    .hook('preAction', (cmd) => {
      if (cmd.opts()['debug'] === true) process.env['WUS_DEBUG'] = '1';
    })
    .exitOverride()
    .configureOutput({
      writeOut: (t) => output.out(t.trimEnd()),
      writeErr: (t) => output.err(t.trimEnd()),
    });
  registerTrain(program, get);
  registerCompare(program, get);
  registerRuns(program, get);
  registerEvaluate(program, get);
  registerExport(program, get);
  registerPlugins(program, get);
  registerConfig(program, get);
  registerSync(program, get);
  registerSweep(program, get);
  registerWorker(program, get);
  oneLineUsageErrors(program, 'wus');
  return program;
}

/**
 * Every command's usage errors as one `wus: error: …` line naming its own `--help`; subcommands
 * inherit output settings but not exit handling, so each gets its own.
 */
function oneLineUsageErrors(cmd: Command, path: string): void {
  cmd.exitOverride().configureOutput({ outputError: (text, write) => write(`${usageErrorLine(text, path)}\n`) });
  for (const sub of cmd.commands) oneLineUsageErrors(sub, `${path} ${sub.name()}`);
}

/** Runs the CLI and returns the process exit code; never throws. */
export async function runCli(argv: readonly string[], containerOptions: ContainerOptions = {}): Promise<number> {
  const output = containerOptions.output ?? processOutput;
  try {
    await buildProgram(containerOptions).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, version or the usage error.
      return error.exitCode === 0 ? 0 : EXIT_CODES.USAGE;
    }
    output.err(describeError(error));
    return exitCodeOf(error);
  }
}
