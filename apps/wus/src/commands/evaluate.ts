import type { Command } from 'commander';
import type { DependencyContainer } from 'tsyringe';
import type { LocalRunStore } from '@wus/tracking';
import { ConfigError } from '@wus/core';
import { TOKENS, type Output } from '../container.js';
import { ExperimentRunner } from '../experiment/runner.js';
import { findSavedRun, restoreModel } from '../experiment/saved-model.js';
import { EvaluationProgress } from '../progress/evaluation-progress.js';

/**
 * `wus evaluate <run>`: rebuilds a trial's model from its `config.json`, loads its saved
 * weights (BatchNorm statistics included), evaluates it on the test split of the same data, on
 * the same backend, and compares with the test accuracy the run logged.
 */
export function registerEvaluate(program: Command, container: () => DependencyContainer): void {
  program
    .command('evaluate <runId>')
    .description("load a trial's saved model and evaluate it on the test split (a unique id prefix is enough)")
    .option('--json', 'print the result as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const c = container();
      const out = c.resolve<Output>(TOKENS.Output);
      const store = c.resolve<LocalRunStore>(TOKENS.RunStore);
      const runner = c.resolve(ExperimentRunner);
      const { run, session, model } = await restoreModel(store, runner, await findSavedRun(store, id, 'evaluate'));
      try {
        if (session.data.test === undefined) throw new ConfigError(`the data set ${session.data.name} has no test split to evaluate on`);
        const metrics = await runner.evaluate(session, model, session.data.test, new EvaluationProgress(`run ${run.info.runId.slice(0, 8)}`, (t) => out.err(t)));
        const logged = run.latestMetrics['test_accuracy'];
        const result = { runId: run.info.runId, testAccuracy: metrics['accuracy']!, testLoss: metrics['loss']!, loggedTestAccuracy: logged ?? null, same: logged === metrics['accuracy'] };
        out.out(
          flags.json === true
            ? JSON.stringify(result, null, 2)
            : `run ${result.runId}: test accuracy ${(100 * result.testAccuracy).toFixed(2)} % (loss ${result.testLoss.toFixed(4)}); logged ${logged === undefined ? 'none' : `${(100 * logged).toFixed(2)} %`}${result.same ? ', identical' : ''}`,
        );
      } finally {
        model.dispose();
      }
    });
}
