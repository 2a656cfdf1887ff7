import type { Callback, EpochRecord, StepRecord, TrainResult, TrainingContext } from '@wus/core';
import cliProgress from 'cli-progress';
import type { Output } from '../container.js';
import { EvaluationProgress, HEARTBEAT_MS } from './evaluation-progress.js';
import { ProgressClock, progressText } from './progress-clock.js';

const pct = (x: number | undefined) => (x === undefined ? '   -  ' : `${(100 * x).toFixed(2).padStart(6)}%`);

/**
 * Progress of one trial on stderr. On a terminal a redrawn bar per epoch with its ETA; in logs a
 * line every HEARTBEAT_MS inside a long epoch (`step k/n, … elapsed, ETA …`). On both, one line
 * per epoch ending in the run's progress (`[3/24 epochs, … elapsed, ETA …]`, over every trial of
 * a comparison), progress lines for an evaluation pass that takes long, and the test accuracy.
 */
export class ProgressCallback implements Callback {
  readonly name = 'progress';
  /** It only prints: a resumed run needs nothing of it. */
  readonly stateless = true;
  private bar: cliProgress.SingleBar | undefined;
  private epochStarted = 0;
  private lastLine = 0;

  constructor(
    private readonly label: string,
    private readonly output: Output,
    /** Shared by the trials of a comparison: epochs done of all, elapsed, ETA. */
    private readonly clock: ProgressClock,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.onEvaluationProgress = new EvaluationProgress(label, (t) => this.say(t), now).report;
  }

  /** The trainer's onEvaluationProgress: lines only for a pass longer than a heartbeat. */
  readonly onEvaluationProgress: EvaluationProgress['report'];

  private say(text: string): void {
    this.lastLine = this.now();
    this.output.err(text);
  }

  onEpochBegin(ctx: TrainingContext): void {
    this.clock.begin();
    this.epochStarted = this.lastLine = this.now();
    if (!this.output.interactive) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `${this.label} epoch ${ctx.epoch + 1}/${ctx.epochs} [{bar}] {value}/{total} steps | {mode} | ETA {eta_formatted}`,
        stream: process.stderr,
        clearOnComplete: true,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(ctx.stepsPerEpoch, 0, { mode: 'full' });
  }

  onStepEnd(ctx: TrainingContext, step: StepRecord): void {
    if (this.bar !== undefined) {
      this.bar.update(step.stepInEpoch + 1, { mode: step.skippedWeights ? 'skipping' : 'full' });
      return;
    }
    const now = this.now();
    if (now - this.lastLine < HEARTBEAT_MS) return;
    const done = step.stepInEpoch + 1;
    const elapsed = now - this.epochStarted;
    this.say(`${this.label} epoch ${step.epoch + 1}/${ctx.epochs}: ${progressText(done, ctx.stepsPerEpoch, 'steps', elapsed, (elapsed / done) * (ctx.stepsPerEpoch - done))}`);
  }

  onEpochEnd(ctx: TrainingContext, e: EpochRecord): void {
    this.bar?.stop();
    this.bar = undefined;
    const m = e.metrics;
    this.say(
      `${this.label} epoch ${String(e.epoch + 1).padStart(2)}/${ctx.epochs}  loss ${m['loss']!.toFixed(4)}  acc ${pct(m['accuracy'])}` +
        `  val_acc ${pct(m['val_accuracy'])}  ${(e.trainTimeMs / 1000).toFixed(1)}s  lr ${e.lr.toPrecision(3)}  ${plans(e)}${signals(e)}  [${this.clock.tick('epochs')}]`,
    );
  }

  onTrainEnd(_ctx: TrainingContext, result: TrainResult): void {
    this.bar?.stop();
    const acc = result.test?.['accuracy'];
    if (acc !== undefined) this.say(`${this.label} test accuracy ${(100 * acc).toFixed(2)} %`);
  }
}

/** What the epoch's steps ran: `full`, or each plan with its step count when mixed. */
function plans(e: EpochRecord): string {
  const entries = Object.entries(e.plans);
  if (entries.length === 1) return entries[0]![0];
  return entries.map(([plan, n]) => `${n}/${e.steps} ${plan}`).join('; ');
}

function signals(e: EpochRecord): string {
  const entries = Object.entries(e.signals);
  return entries.length === 0 ? '' : `  ${entries.map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(3)}`).join('  ')}`;
}
