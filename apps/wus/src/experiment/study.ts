import { InterruptedError, normalizeSpec, type PluginSpec, type TrainResult } from '@wus/core';
import { COMPARISON_PLOT_ARTIFACT, MLFLOW_TAGS, renderComparisonPlot, type RunHandle } from '@wus/tracking';
import { inject, injectable } from 'tsyringe';
import { trialLabels } from '../config/overrides.js';
import type { CompareConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import {
  TIME_TO_ACCURACY_NOTE,
  compareRows,
  comparisonPoints,
  controlSpread,
  formatMarkdownTable,
  formatTable,
  type ComparisonRow,
} from '../report/compare-table.js';
import { ExperimentRunner, type OpenTrial, type Session, type TrialOutcome } from './runner.js';

export interface StudyOutcome {
  readonly studyRunId: string;
  readonly trials: readonly TrialOutcome[];
  readonly rows: readonly ComparisonRow[];
  readonly table: string;
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
    // A study has trials' policies, not one of its own: `policy` (its default, never) is no param of it.
    const { policy: _none, ...shared } = trainConfig;
    const policies: PluginSpec[] = control ? [given[0]!, ...given.slice(1), given[0]!] : [...given];
    const names = trialLabels(given);
    if (control) names.push(CONTROL_LABEL);
    const session = await this.runner.open(trainConfig, policies);
    const studyName = `compare ${config.model}/${config.dataset} · ${trialLabels(given).join(',')} · seed ${config.seed}`;
    const note = studyNote(session, names, interleave === 'epoch');
    const study = await this.runner.startStudy(session, studyName, { ...shared, interleave, control, policies: given.map(normalizeSpec) }, note);
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
      await study.logArtifact('comparison.txt', `${table}\n`);
      await study.logArtifact('comparison.json', JSON.stringify(rows, null, 2));
      await logComparisonPlot(study, studyName, trials, rows);
      await study.setTags({ [MLFLOW_TAGS.note]: `${note}\n\n## Results\n\n${formatMarkdownTable(rows)}\n\n${TIME_TO_ACCURACY_NOTE}${spread === undefined ? '' : `\n\n${spread}`}` });
      await study.end('FINISHED');
      const links = await this.runner.runLinks(study.id, session.experiment);
      if (links !== undefined) this.output.err(`mlflow: study ${links.run} — all runs: ${links.experiment}`);
      this.output.err(
        `study run ${study.id} (${trials.length} trials) in experiment "${session.experiment}": \`wus runs show ${study.id.slice(0, 8)}\`, each trial's weights with \`wus evaluate <trial id>\``,
      );
      return { studyRunId: study.id, trials, rows, table };
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
    for (const t of open) outcomes.push(await this.finish(session, t, await t.trainer.end(), outcomes[0]));
    return outcomes;
  }

  private async sequential(session: Session, open: readonly OpenTrial[]): Promise<TrialOutcome[]> {
    const outcomes: TrialOutcome[] = [];
    for (const t of open) outcomes.push(await this.finish(session, t, await t.trainer.fit(), outcomes[0]));
    return outcomes;
  }

  /**
   * Logs a trained trial's comparison with the baseline (the first trial; itself for the
   * baseline) as metrics of its own run, then finishes it. The baseline always finishes first,
   * so each trial's run is complete when it ends.
   */
  private async finish(session: Session, t: OpenTrial, result: TrainResult, baseline: TrialOutcome | undefined): Promise<TrialOutcome> {
    const outcome: TrialOutcome = { label: t.label, policy: t.description, runId: t.run.id, result };
    const row = compareRows([baseline ?? outcome, outcome])[1]!;
    await t.run.logMetrics(comparisonPoints(row, result.epochs.length));
    return this.runner.finishTrial(session, t, result);
  }
}

/** The study's MLflow description (markdown): what it compares, on what, and why. */
function studyNote(session: Session, labels: readonly string[], interleaved: boolean): string {
  const c = session.config;
  const d = session.data;
  const trials = labels.map((l, i) => `**${l}**${i === 0 ? ' (baseline)' : ''}`).join(', ');
  return [
    `Compares ${trials} on **${c.model}** / **${d.name}**: how much training time skipping weight updates saves, and what it costs in test accuracy, against the baseline trained with the same seed, data order, initialisation and LR schedule.`,
    '',
    `Data: ${d.train.count} train, ${d.validation?.count ?? 0} validation, ${d.test?.count ?? 0} test samples from ${d.source}. ` +
      `Training: ${c.epochs} epochs, batch ${c.batchSize}, ${c.optimizer} lr ${c.lr}${c.lrSchedule === undefined ? '' : ` (${normalizeSpec(c.lrSchedule).name} schedule)`}, seed ${c.seed}, backend ${session.backend.name}; ` +
      (interleaved ? 'trials interleaved epoch by epoch, so machine noise hits all alike.' : 'trials one after another.'),
    '',
    `Each trial is a nested run with the same comparison metrics (\`time_saved_pct\`, \`delta_accuracy_pp\`, …: select them and Compare); \`${COMPARISON_PLOT_ARTIFACT}.png\` plots them with the learning curves and skip windows.`,
  ].join('\n');
}

/** Time saved vs Δ accuracy and the learning curves, as SVG and PNG; a rendering error is stored in their place. */
async function logComparisonPlot(study: RunHandle, title: string, trials: readonly TrialOutcome[], rows: readonly ComparisonRow[]): Promise<void> {
  let plot: { svg: string; png: Uint8Array };
  try {
    plot = await renderComparisonPlot(
      trials.map((t, i) => ({ label: t.label, timeSavedPct: rows[i]!.timeSavedPct, deltaAccuracyPp: rows[i]!.deltaAccuracyPp, epochs: t.result.epochs })),
      title,
    );
  } catch (e) {
    await study.logArtifact(`${COMPARISON_PLOT_ARTIFACT}.error.txt`, `could not render the comparison plot: ${(e as Error)?.stack ?? String(e)}\n`);
    return;
  }
  await study.logArtifact(`${COMPARISON_PLOT_ARTIFACT}.svg`, plot.svg);
  await study.logArtifact(`${COMPARISON_PLOT_ARTIFACT}.png`, plot.png);
}
