import { InterruptedError, normalizeSpec, type PluginSpec } from '@wus/core';
import { inject, injectable } from 'tsyringe';
import { trialLabels } from '../config/overrides.js';
import type { CompareConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { TIME_TO_ACCURACY_NOTE, compareRows, controlSpread, formatTable, type ComparisonRow } from '../report/compare-table.js';
import { ExperimentRunner, type OpenTrial, type Session, type TrialOutcome } from './runner.js';

export interface StudyOutcome {
  readonly studyRunId: string;
  readonly trials: readonly TrialOutcome[];
  readonly rows: readonly ComparisonRow[];
  readonly table: string;
  /** The study's MLflow pages, when runs go to MLflow. */
  readonly links?: { readonly run: string; readonly experiment: string };
}

/** Label of the identical-work trial `--control` adds. */
export const CONTROL_LABEL = 'control';

/**
 * `wus compare`: the baseline and each policy trained on the same seed, data order and
 * schedule in this process, as child runs of one study run. Interleaved (the default), trials
 * advance one epoch each per round, the order rotating every round, so that machine noise and
 * process drift hit every trial alike; each keeps its own model, optimizer and policy state.
 */
@injectable()
export class Study {
  constructor(
    @inject(ExperimentRunner) private readonly runner: ExperimentRunner,
    @inject(TOKENS.Output) private readonly output: Output,
  ) {}

  async run(config: CompareConfig): Promise<StudyOutcome> {
    const { policies: given, interleave, control, ...trainConfig } = config;
    const policies: PluginSpec[] = control ? [given[0]!, ...given.slice(1), given[0]!] : [...given];
    const names = trialLabels(given);
    if (control) names.push(CONTROL_LABEL);
    // A trial's config is the shared one with its own policy (set per trial when it opens).
    const session = await this.runner.open({ ...trainConfig, policy: given[0]! }, policies);
    const study = await this.runner.startStudy(session, `compare ${config.model}/${config.dataset}`, { ...trainConfig, interleave, control, policies: given.map(normalizeSpec) });
    const open: OpenTrial[] = [];
    try {
      this.runner.warmUp(session);
      for (const [i, spec] of policies.entries()) {
        open.push(await this.runner.openTrial(session, spec, { label: names[i]!, parentRunId: study.id }));
        this.output.err(`trial ${names[i]}: ${open[i]!.description}`);
      }
      this.output.err(`interleave: ${interleave === 'epoch' ? 'one epoch per trial per round, order rotating' : 'off (one trial after another)'}`);
      const trials = interleave === 'epoch' ? await this.interleaved(session, open) : await this.sequential(session, open);
      const rows = compareRows(trials);
      const spread = control ? controlSpread(rows[0]!, rows[rows.length - 1]!) : undefined;
      const table = [formatTable(rows), TIME_TO_ACCURACY_NOTE, ...(spread === undefined ? [] : [spread])].join('\n');
      await study.logMetrics(
        rows.flatMap((r) => [
          { key: `${r.trial}.time_saved_pct`, value: r.timeSavedPct, step: 0 },
          { key: `${r.trial}.compute_saved_pct`, value: r.computeSavedPct, step: 0 },
          { key: `${r.trial}.test_accuracy`, value: r.testAccuracy, step: 0 },
          { key: `${r.trial}.delta_accuracy_pp`, value: r.deltaAccuracyPp, step: 0 },
          { key: `${r.trial}.skipped_pct`, value: r.skippedPct, step: 0 },
        ]),
      );
      await study.logArtifact('comparison.txt', `${table}\n`);
      await study.logArtifact('comparison.json', JSON.stringify(rows, null, 2));
      await study.end('FINISHED');
      const links = await this.runner.runLinks(study.id, session.config.experiment);
      return { studyRunId: study.id, trials, rows, table, ...(links === undefined ? {} : { links }) };
    } catch (e) {
      for (const t of open) await this.runner.failTrial(t, e);
      await study.end(e instanceof InterruptedError ? 'KILLED' : 'FAILED');
      throw e;
    }
  }

  /** Round r runs one epoch of every unfinished trial, starting with trial r mod n. */
  private async interleaved(session: Session, open: readonly OpenTrial[]): Promise<TrialOutcome[]> {
    for (const t of open) await t.trainer.begin();
    for (let round = 0; open.some((t) => !t.trainer.done); round++) {
      for (let k = 0; k < open.length; k++) {
        const t = open[(round + k) % open.length]!;
        if (!t.trainer.done) await t.trainer.trainEpoch();
      }
    }
    const outcomes: TrialOutcome[] = [];
    for (const t of open) outcomes.push(await this.runner.finishTrial(session, t, await t.trainer.end()));
    return outcomes;
  }

  private async sequential(session: Session, open: readonly OpenTrial[]): Promise<TrialOutcome[]> {
    const outcomes: TrialOutcome[] = [];
    for (const t of open) outcomes.push(await this.runner.finishTrial(session, t, await t.trainer.fit()));
    return outcomes;
  }
}
