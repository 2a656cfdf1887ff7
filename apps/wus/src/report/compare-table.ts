import type { ComputeRecord, EpochRecord } from '@wus/core';
import type { TrialOutcome } from '../experiment/runner.js';

export interface ComparisonRow {
  readonly trial: string;
  readonly policy: string;
  readonly trainTimeS: number;
  readonly wallTimeS: number;
  /** Training time saved against the baseline (first trial), percent. */
  readonly timeSavedPct: number;
  /** FLOPs of convolutions and matrix products executed in training, in units of 10⁹. */
  readonly gflops: number;
  /** Executed compute saved against the baseline, percent (counted from the kernels that ran). */
  readonly computeSavedPct: number;
  readonly testAccuracy: number;
  /** Test accuracy minus the baseline's, percentage points. */
  readonly deltaAccuracyPp: number;
  readonly skippedPct: number;
  /**
   * Training time until the validation accuracy first reached the baseline's final one minus
   * 0.5 pp (undefined: never, or no validation split).
   */
  readonly timeToAccuracyS: number | undefined;
  readonly runId: string;
}

/** How close to the baseline's final validation accuracy "time to accuracy" asks for. */
export const TIME_TO_ACCURACY_MARGIN = 0.005;

function timeToAccuracy(epochs: readonly EpochRecord[], target: number): number | undefined {
  let t = 0;
  for (const e of epochs) {
    t += e.trainTimeMs;
    const acc = e.metrics['val_accuracy'];
    if (acc !== undefined && acc >= target) return t / 1000;
  }
  return undefined;
}

const total = (c: ComputeRecord) => c.forward + c.dX + c.dW;

/** The paper's comparison (its Tables 2–3) plus the compute that really ran. */
export function compareRows(trials: readonly TrialOutcome[]): ComparisonRow[] {
  const base = trials[0]!;
  const baseTime = base.result.trainTimeMs;
  const baseFlops = total(base.result.compute);
  const baseAcc = base.result.test?.['accuracy'] ?? Number.NaN;
  const baseVal = base.result.epochs[base.result.epochs.length - 1]?.metrics['val_accuracy'];
  return trials.map((t) => {
    const acc = t.result.test?.['accuracy'] ?? Number.NaN;
    const flops = total(t.result.compute);
    return {
      trial: t.label,
      policy: t.policy,
      trainTimeS: t.result.trainTimeMs / 1000,
      wallTimeS: t.result.wallTimeMs / 1000,
      timeSavedPct: 100 * (1 - t.result.trainTimeMs / baseTime),
      gflops: flops / 1e9,
      computeSavedPct: baseFlops > 0 ? 100 * (1 - flops / baseFlops) : 0,
      testAccuracy: acc,
      deltaAccuracyPp: 100 * (acc - baseAcc),
      skippedPct: t.result.totalSteps === 0 ? 0 : (100 * t.result.skippedSteps) / t.result.totalSteps,
      timeToAccuracyS: baseVal === undefined ? undefined : timeToAccuracy(t.result.epochs, baseVal - TIME_TO_ACCURACY_MARGIN),
      runId: t.runId,
    };
  });
}

/** Printed under the table: what "time to acc" means. */
export const TIME_TO_ACCURACY_NOTE = `time to acc: training time until validation accuracy first reached the baseline's final one − ${100 * TIME_TO_ACCURACY_MARGIN} pp`;

/** The line `--control` adds: how far two identical-work trials measured apart. */
export function controlSpread(baseline: ComparisonRow, control: ComparisonRow): string {
  const pct = 100 * (control.trainTimeS / baseline.trainTimeS - 1);
  return `control: identical work measured ${pct >= 0 ? '+' : ''}${pct.toFixed(1)} % vs the baseline (train time ${control.trainTimeS.toFixed(1)} s vs ${baseline.trainTimeS.toFixed(1)} s): time-saved differences within that spread are noise`;
}

/** The table's header and cells, formatted for people (the text and markdown tables share them). */
function tableCells(rows: readonly ComparisonRow[]): { header: string[]; body: string[][] } {
  const header = ['trial', 'train time', 'time saved', 'compute', 'compute saved', 'time to acc', 'test acc', 'Δ acc', 'skipped'];
  const body = rows.map((r, i) => [
    r.trial,
    `${r.trainTimeS.toFixed(1)} s`,
    i === 0 ? '(baseline)' : `${r.timeSavedPct.toFixed(1)} %`,
    `${r.gflops.toFixed(0)} GFLOP`,
    i === 0 ? '(baseline)' : `${r.computeSavedPct.toFixed(1)} %`,
    r.timeToAccuracyS === undefined ? 'never' : `${r.timeToAccuracyS.toFixed(1)} s`,
    `${(100 * r.testAccuracy).toFixed(2)} %`,
    i === 0 ? '-' : `${r.deltaAccuracyPp >= 0 ? '+' : ''}${r.deltaAccuracyPp.toFixed(2)} pp`,
    `${r.skippedPct.toFixed(1)} %`,
  ]);
  return { header, body };
}

export function formatTable(rows: readonly ComparisonRow[]): string {
  const { header, body } = tableCells(rows);
  return alignColumns(header, body);
}

/** A text table: the first `leftColumns` columns left-aligned, the others right-aligned, a rule under the header. */
export function alignColumns(header: readonly string[], body: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => (c < leftColumns ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The same table in markdown (MLflow renders a run's description as markdown). */
export function formatMarkdownTable(rows: readonly ComparisonRow[]): string {
  const { header, body } = tableCells(rows);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, c) => (c === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

/**
 * A trial's comparison with the baseline as metrics of the trial's own run, under the same keys
 * in every trial, so that MLflow's Compare view lines the trials of a study up side by side.
 * Logged at `step` (the trial's last epoch, as its final metrics).
 */
export const COMPARISON_METRIC_KEYS = {
  timeSaved: 'time_saved_pct',
  computeSaved: 'compute_saved_pct',
  deltaAccuracy: 'delta_accuracy_pp',
  skipped: 'skipped_pct',
  timeToAccuracy: 'time_to_accuracy_s',
} as const;

export function comparisonPoints(row: ComparisonRow, step: number): { key: string; value: number; step: number }[] {
  const k = COMPARISON_METRIC_KEYS;
  return [
    { key: k.timeSaved, value: row.timeSavedPct, step },
    { key: k.computeSaved, value: row.computeSavedPct, step },
    { key: k.deltaAccuracy, value: row.deltaAccuracyPp, step },
    { key: k.skipped, value: row.skippedPct, step },
    ...(row.timeToAccuracyS === undefined ? [] : [{ key: k.timeToAccuracy, value: row.timeToAccuracyS, step }]),
  ];
}
