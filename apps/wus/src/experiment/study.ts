import { normalizeSpec, type PluginSpec } from '@wus/core';
import { inject, injectable } from 'tsyringe';
import type { CompareConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { compareRows, formatTable, type ComparisonRow } from '../report/compare-table.js';
import { ExperimentRunner, type TrialOutcome } from './runner.js';

export interface StudyOutcome {
  readonly studyRunId: string;
  readonly trials: readonly TrialOutcome[];
  readonly rows: readonly ComparisonRow[];
  readonly table: string;
}

/** Trial labels: the policy name, numbered when the same policy appears twice. */
function labels(specs: readonly PluginSpec[]): string[] {
  const names = specs.map((s) => normalizeSpec(s).name);
  return names.map((n, i) => (names.filter((m) => m === n).length > 1 ? `${n}#${names.slice(0, i + 1).filter((m) => m === n).length}` : n));
}

/**
 * `wus compare`: the baseline and each policy trained on the same seed, data order and
 * schedule, one after another in this process, as child runs of one study run.
 */
@injectable()
export class Study {
  constructor(
    @inject(ExperimentRunner) private readonly runner: ExperimentRunner,
    @inject(TOKENS.Output) private readonly output: Output,
  ) {}

  async run(config: CompareConfig): Promise<StudyOutcome> {
    const { policies, ...trainConfig } = config;
    const session = await this.runner.open(trainConfig, policies);
    const names = labels(policies);
    const study = await this.runner.startStudy(session, `compare ${config.model}/${config.dataset}`, { ...trainConfig, policies: policies.map(normalizeSpec) });
    try {
      this.runner.warmUp(session);
      const trials: TrialOutcome[] = [];
      for (const [i, spec] of policies.entries()) {
        trials.push(await this.runner.runTrial(session, spec, { label: names[i]!, parentRunId: study.id }));
      }
      const rows = compareRows(trials);
      const table = formatTable(rows);
      await study.logMetrics(
        rows.flatMap((r) => [
          { key: `${r.trial}.time_saved_pct`, value: r.timeSavedPct, step: 0 },
          { key: `${r.trial}.test_accuracy`, value: r.testAccuracy, step: 0 },
          { key: `${r.trial}.delta_accuracy_pp`, value: r.deltaAccuracyPp, step: 0 },
          { key: `${r.trial}.skipped_pct`, value: r.skippedPct, step: 0 },
        ]),
      );
      await study.logArtifact('comparison.txt', `${table}\n`);
      await study.logArtifact('comparison.json', JSON.stringify(rows, null, 2));
      await study.end('FINISHED');
      this.output.err(`study run ${study.id} (${trials.length} trials) in ${session.config.experiment}`);
      return { studyRunId: study.id, trials, rows, table };
    } catch (e) {
      await study.end('FAILED');
      throw e;
    }
  }
}
