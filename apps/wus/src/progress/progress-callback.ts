import type { Callback, EpochRecord, StepRecord, TrainingContext } from '@wus/core';
import cliProgress from 'cli-progress';
import type { Output } from '../container.js';

const pct = (x: number | undefined) => (x === undefined ? '   -  ' : `${(100 * x).toFixed(2).padStart(6)}%`);

/**
 * Progress of one trial: a redrawn bar on a terminal, one line per epoch elsewhere (CI logs).
 */
export class ProgressCallback implements Callback {
  readonly name = 'progress';
  private bar: cliProgress.SingleBar | undefined;
  private skipped = 0;

  constructor(
    private readonly label: string,
    private readonly output: Output,
  ) {}

  onEpochBegin(ctx: TrainingContext): void {
    this.skipped = 0;
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
    if (step.skippedWeights) this.skipped++;
    this.bar?.update(step.stepInEpoch + 1, { mode: step.skippedWeights ? 'bias-only' : 'full' });
  }

  onEpochEnd(ctx: TrainingContext, e: EpochRecord): void {
    this.bar?.stop();
    this.bar = undefined;
    const m = e.metrics;
    this.output.err(
      `${this.label} epoch ${String(e.epoch + 1).padStart(2)}/${ctx.epochs}  loss ${m['loss']!.toFixed(4)}  acc ${pct(m['accuracy'])}` +
        `  val_acc ${pct(m['val_accuracy'])}  ${(e.epochTimeMs / 1000).toFixed(1)}s  lr ${e.lr.toPrecision(3)}` +
        `  ${e.skippedSteps === e.steps ? 'bias-only' : e.skippedSteps > 0 ? `${this.skipped}/${e.steps} bias-only` : 'full'}`,
    );
  }

  onTrainEnd(): void {
    this.bar?.stop();
  }
}
