import type { EvaluationSplit } from '@wus/core';
import { progressText } from './progress-clock.js';

/** An evaluation pass gets a progress line this often (and none when it is quicker). */
export const HEARTBEAT_MS = 30_000;

/**
 * Progress lines of evaluation passes (`evaluating the test split: 4000/10000 images, …
 * elapsed, ETA …`), fed by the trainer's onEvaluationProgress after every batch; a pass
 * quicker than a heartbeat prints nothing.
 */
export class EvaluationProgress {
  private pass: { split: EvaluationSplit; started: number; firstDone: number; lastLine: number } | undefined;

  constructor(
    private readonly label: string,
    private readonly say: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly report = (split: EvaluationSplit, done: number, total: number): void => {
    const now = this.now();
    const pass = this.pass;
    if (pass?.split !== split || done <= pass.firstDone) {
      // A new pass: its pace is measured from its first batch.
      this.pass = { split, started: now, firstDone: done, lastLine: now };
      return;
    }
    if (done >= total || now - pass.lastLine < HEARTBEAT_MS) return;
    pass.lastLine = now;
    const elapsed = now - pass.started;
    this.say(`${this.label} evaluating the ${split} split: ${progressText(done, total, 'images', elapsed, (elapsed / (done - pass.firstDone)) * (total - done))}`);
  };
}
