import { InterruptedError, WusError, normalizeSpec, type PluginSpec } from '@wus/core';
import { COMPARISON_PLOT_ARTIFACT, MLFLOW_TAGS, renderComparisonPlot, type RunDetails, type RunHandle } from '@wus/tracking';
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
import { logPlot } from '../report/log-plot.js';
import { withResumeHint } from './resume.js';
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

/** A trial of the study: one to train (open), or one a resumed study found finished. */
type Slot = { readonly open: OpenTrial } | { readonly finished: TrialOutcome };

/**
 * `wus compare`: the baseline and each policy trained on the same seed, data order and
 * schedule in this process, as child runs of one study run. Interleaved (the default), trials
 * advance one epoch each per round, the order rotating every round, so that machine noise and
 * process drift hit every trial alike; each keeps its own model, optimizer and policy state.
 *
 * Resumed (`resume`: the study's run), finished trials are not trained again — their results
 * come from their final checkpoints — and the others go on from their newest checkpoints, in
 * the round and order the interrupted study had reached.
 */
@injectable()
export class Study {
  constructor(
    @inject(ExperimentRunner) private readonly runner: ExperimentRunner,
    @inject(TOKENS.Output) private readonly output: Output,
  ) {}

  async run(config: CompareConfig, resume?: RunDetails): Promise<StudyOutcome> {
    const { policies: given, interleave, control, ...trainConfig } = config;
    const policies: PluginSpec[] = control ? [given[0]!, ...given.slice(1), given[0]!] : [...given];
    const names = trialLabels(given);
    if (control) names.push(CONTROL_LABEL);
    // A trial's config is the shared one with its own policy (set per trial when it opens).
    const session = await this.runner.open({ ...trainConfig, policy: given[0]! }, policies, { resuming: resume !== undefined });
    const studyName = `compare ${config.model}/${config.dataset} · ${trialLabels(given).join(',')} · seed ${config.seed}`;
    const note = studyNote(session, names, interleave === 'epoch');
    const study =
      resume === undefined
        ? await this.runner.startStudy(session, studyName, { ...trainConfig, interleave, control, policies: given.map(normalizeSpec) }, note)
        : await this.runner.resumeStudy(resume.info.runId);
    const earlier = resume === undefined ? new Map<string, RunDetails>() : await this.runner.trialRuns(study.id);
    const slots: Slot[] = [];
    try {
      await this.runner.warmUp(session);
      for (const [i, spec] of policies.entries()) {
        const label = names[i]!;
        const prior = earlier.get(label);
        if (prior?.info.status === 'FINISHED') {
          slots.push({ finished: await this.runner.finishedTrial(prior) });
          this.output.err(`trial ${label}: finished before, not trained again (run ${prior.info.runId})`);
          continue;
        }
        const open = await this.runner.openTrial(session, spec, { label, parentRunId: study.id, ...(prior === undefined ? {} : { resumeRunId: prior.info.runId }) });
        slots.push({ open });
        this.output.err(`trial ${label}: ${open.description}`);
      }
      this.output.err(`interleave: ${interleave === 'epoch' ? 'one epoch per trial per round, order rotating' : 'off (one trial after another)'}`);
      if (interleave === 'epoch') await this.interleaved(slots);
      else await this.sequential(session, slots);
      const trials: TrialOutcome[] = [];
      for (const s of slots) trials.push('finished' in s ? s.finished : await this.finish(session, s.open, trials[0]));
      const rows = compareRows(trials);
      const spread = control ? controlSpread(rows[0]!, rows[rows.length - 1]!) : undefined;
      const table = [formatTable(rows), TIME_TO_ACCURACY_NOTE, ...(spread === undefined ? [] : [spread])].join('\n');
      await study.logArtifact('comparison.txt', `${table}\n`);
      await study.logArtifact('comparison.json', JSON.stringify(rows, null, 2));
      await logComparisonPlot(study, studyName, trials, rows);
      await study.setTags({ [MLFLOW_TAGS.note]: `${note}\n\n## Results\n\n${formatMarkdownTable(rows)}\n\n${TIME_TO_ACCURACY_NOTE}${spread === undefined ? '' : `\n\n${spread}`}` });
      await study.end('FINISHED');
      const links = await this.runner.runLinks(study.id, session.experiment);
      return { studyRunId: study.id, trials, rows, table, ...(links === undefined ? {} : { links }) };
    } catch (e) {
      for (const s of slots) if ('open' in s) await this.runner.failTrial(s.open, e);
      await study.end(e instanceof InterruptedError ? 'KILLED' : 'FAILED');
      throw e instanceof WusError ? withResumeHint(e, 'compare', study.id, session.config) : e;
    }
  }

  /**
   * Round r runs one epoch of every unfinished trial, starting with trial r mod n. A resumed
   * study starts at the earliest round a trial has not completed, and skips in each round the
   * trials that already ran that round's epoch: the order the interrupted study would have had.
   */
  private async interleaved(slots: readonly Slot[]): Promise<void> {
    const open = slots.map((s) => ('open' in s ? s.open : undefined));
    for (const t of open) if (t !== undefined) await this.runner.startTrial(t);
    const pending = () => open.filter((t): t is OpenTrial => t !== undefined && !t.trainer.done);
    for (let round = Math.min(...pending().map((t) => t.trainer.epochsDone)); pending().length > 0; round++) {
      for (let k = 0; k < open.length; k++) {
        const t = open[(round + k) % open.length];
        if (t !== undefined && !t.trainer.done && t.trainer.epochsDone <= round) await t.trainer.trainEpoch();
      }
    }
  }

  /** One trial after another, each finished (tested, saved, its run FINISHED) before the next starts. */
  private async sequential(session: Session, slots: Slot[]): Promise<void> {
    for (const [i, s] of slots.entries()) {
      if (!('open' in s)) continue;
      await this.runner.startTrial(s.open);
      while (!s.open.trainer.done) await s.open.trainer.trainEpoch();
      const first = slots[0]!;
      slots[i] = { finished: await this.finish(session, s.open, 'finished' in first ? first.finished : undefined) };
    }
  }

  /**
   * Ends a trained trial, logs its comparison with the baseline (the first trial; itself for the
   * baseline) as metrics of its own run — the same keys on every trial, so MLflow's Compare view
   * lines them up — then finishes it. The baseline always finishes first.
   */
  private async finish(session: Session, t: OpenTrial, baseline: TrialOutcome | undefined): Promise<TrialOutcome> {
    const result = await t.trainer.end();
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

/** Time saved vs Δ accuracy and the learning curves, as SVG and PNG. */
async function logComparisonPlot(study: RunHandle, title: string, trials: readonly TrialOutcome[], rows: readonly ComparisonRow[]): Promise<void> {
  await logPlot(study, COMPARISON_PLOT_ARTIFACT, () =>
    renderComparisonPlot(
      trials.map((t, i) => ({ label: t.label, timeSavedPct: rows[i]!.timeSavedPct, deltaAccuracyPp: rows[i]!.deltaAccuracyPp, epochs: t.result.epochs })),
      title,
    ),
  );
}
