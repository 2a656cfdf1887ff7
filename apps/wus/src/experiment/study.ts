import { InterruptedError, WusError, normalizeSpec, type PluginSpec } from '@wus/core';
import type { RunDetails } from '@wus/tracking';
import { inject, injectable } from 'tsyringe';
import { trialLabels } from '../config/overrides.js';
import type { CompareConfig } from '../config/schema.js';
import { TOKENS, type Output } from '../container.js';
import { TIME_TO_ACCURACY_NOTE, compareRows, controlSpread, formatTable, type ComparisonRow } from '../report/compare-table.js';
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
    const study =
      resume === undefined
        ? await this.runner.startStudy(session, `compare ${config.model}/${config.dataset}`, { ...trainConfig, interleave, control, policies: given.map(normalizeSpec) })
        : await this.runner.resumeStudy(resume.info.runId);
    const earlier = resume === undefined ? new Map<string, RunDetails>() : await this.runner.trialRuns(study.id);
    const slots: Slot[] = [];
    try {
      this.runner.warmUp(session);
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
      else await this.sequential(slots);
      const trials: TrialOutcome[] = [];
      for (const s of slots) trials.push('finished' in s ? s.finished : await this.runner.finishTrial(s.open, await s.open.trainer.end()));
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
  private async sequential(slots: Slot[]): Promise<void> {
    for (const [i, s] of slots.entries()) {
      if (!('open' in s)) continue;
      await this.runner.startTrial(s.open);
      while (!s.open.trainer.done) await s.open.trainer.trainEpoch();
      slots[i] = { finished: await this.runner.finishTrial(s.open, await s.open.trainer.end()) };
    }
  }
}
