import type { TrialOutcome } from '../experiment/runner.js';

export interface ComparisonRow {
  readonly trial: string;
  readonly policy: string;
  readonly trainTimeS: number;
  readonly wallTimeS: number;
  /** Training time saved against the baseline (first trial), percent. */
  readonly timeSavedPct: number;
  readonly testAccuracy: number;
  /** Test accuracy minus the baseline's, percentage points. */
  readonly deltaAccuracyPp: number;
  readonly skippedPct: number;
  readonly runId: string;
}

/** The paper's comparison (its Tables 2–3): time, time saved, accuracy, Δ accuracy, skipped. */
export function compareRows(trials: readonly TrialOutcome[]): ComparisonRow[] {
  const base = trials[0]!;
  const baseTime = base.result.trainTimeMs;
  const baseAcc = base.result.test?.['accuracy'] ?? Number.NaN;
  return trials.map((t) => {
    const acc = t.result.test?.['accuracy'] ?? Number.NaN;
    return {
      trial: t.label,
      policy: t.policy,
      trainTimeS: t.result.trainTimeMs / 1000,
      wallTimeS: t.result.wallTimeMs / 1000,
      timeSavedPct: 100 * (1 - t.result.trainTimeMs / baseTime),
      testAccuracy: acc,
      deltaAccuracyPp: 100 * (acc - baseAcc),
      skippedPct: t.result.totalSteps === 0 ? 0 : (100 * t.result.skippedSteps) / t.result.totalSteps,
      runId: t.runId,
    };
  });
}

export function formatTable(rows: readonly ComparisonRow[]): string {
  const header = ['trial', 'train time', 'time saved', 'wall time', 'test acc', 'Δ acc', 'skipped'];
  const body = rows.map((r, i) => [
    r.trial,
    `${r.trainTimeS.toFixed(1)} s`,
    i === 0 ? '(baseline)' : `${r.timeSavedPct.toFixed(1)} %`,
    `${r.wallTimeS.toFixed(1)} s`,
    `${(100 * r.testAccuracy).toFixed(2)} %`,
    i === 0 ? '-' : `${r.deltaAccuracyPp >= 0 ? '+' : ''}${r.deltaAccuracyPp.toFixed(2)} pp`,
    `${r.skippedPct.toFixed(1)} %`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
