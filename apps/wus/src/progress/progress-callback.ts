import type { Callback, EpochRecord, StepRecord, TrainingContext } from '@wus/core';
import cliProgress from 'cli-progress';
import type { Output } from '../container.js';

const pct = (x: number | undefined) => (x === undefined ? '   -  ' : `${(100 * x).toFixed(2).padStart(6)}%`);

/**
 * Progress of one trial: a redrawn bar on a terminal, one line per epoch elsewhere (CI logs).
 */
export class ProgressCallback implements Callback {
  readonly name = 'progress';
  /** It only prints: a resumed run needs nothing of it. */
  readonly stateless = true;
  private bar: cliProgress.SingleBar | undefined;

  constructor(
    private readonly label: string,
    private readonly output: Output,
  ) {}

  onEpochBegin(ctx: TrainingContext): void {
    if (!this.output.interactive) return;
    this.bar = new cliProgress.SingleBar(
      {
        format: `${this.label} epoch ${ctx.epoch + 1}/${ctx.epochs} [{bar}] {value}/{total} steps | {mode}`,
        stream: process.stderr,
        clearOnComplete: true,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(ctx.stepsPerEpoch, 0, { mode: 'full' });
  }

  onStepEnd(_ctx: TrainingContext, step: StepRecord): void {
    this.bar?.update(step.stepInEpoch + 1, { mode: step.skippedWeights ? 'skipping' : 'full' });
  }

  onEpochEnd(ctx: TrainingContext, e: EpochRecord): void {
    this.bar?.stop();
    this.bar = undefined;
    const m = e.metrics;
    this.output.err(
      `${this.label} epoch ${String(e.epoch + 1).padStart(2)}/${ctx.epochs}  loss ${m['loss']!.toFixed(4)}  acc ${pct(m['accuracy'])}` +
        `  val_acc ${pct(m['val_accuracy'])}  ${(e.trainTimeMs / 1000).toFixed(1)}s  lr ${e.lr.toPrecision(3)}  ${plans(e)}${signals(e)}`,
    );
  }

  onTrainEnd(): void {
    this.bar?.stop();
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
