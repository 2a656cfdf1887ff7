import { baselineKey, paretoFront } from '@wus/sweep';
import { PARETO_PLOT_ARTIFACT, renderParetoPlot, type RunDetails, type RunHandle } from '@wus/tracking';
import { inject, injectable } from 'tsyringe';
import { ExperimentRunner, type TrialOutcome } from '../experiment/runner.js';
import { alignColumns, compareRows, type ComparisonRow } from '../report/compare-table.js';
import { logPlot } from '../report/log-plot.js';
import type { SweepPlan } from './sweep-records.js';

/** A finished trial against its baseline: the trial with the same settings and the baseline policy. */
export interface SweepRow {
  readonly key: string;
  readonly trial: string;
  /** Undefined when the trial has no finished baseline (time saved and Δ accuracy are then unknown). */
  readonly comparison: ComparisonRow | undefined;
  readonly testAccuracy: number;
  readonly trainTimeS: number;
  /** On the best front: no other trial saves more time without losing more accuracy. */
  readonly front: boolean;
}

@injectable()
export class SweepResults {
  constructor(@inject(ExperimentRunner) private readonly runner: ExperimentRunner) {}

  /** The finished trials (results from their final checkpoints), each compared with its baseline. */
  async rows(plan: SweepPlan, runs: ReadonlyMap<string, RunDetails>): Promise<SweepRow[]> {
    const outcomes = new Map<string, TrialOutcome>();
    for (const t of plan.trials) {
      const run = runs.get(t.key);
      if (run?.info.status === 'FINISHED') outcomes.set(t.key, await this.runner.finishedTrial(run));
    }
    const rows = plan.trials.flatMap((t) => {
      const outcome = outcomes.get(t.key);
      if (outcome === undefined) return [];
      const baseline = outcomes.get(baselineKey(t.values, plan.baseline));
      return [
        {
          key: t.key,
          trial: t.label,
          comparison: baseline === undefined ? undefined : compareRows([baseline, outcome])[1]!,
          testAccuracy: outcome.result.test?.['accuracy'] ?? Number.NaN,
          trainTimeS: outcome.result.trainTimeMs / 1000,
        },
      ];
    });
    const front = paretoFront(rows.map((r) => ({ timeSavedPct: r.comparison?.timeSavedPct ?? Number.NaN, deltaAccuracyPp: r.comparison?.deltaAccuracyPp ?? Number.NaN })));
    return rows.map((r, i) => ({ ...r, front: front.has(i) }));
  }

  /** Logs the table (text and JSON) and the Pareto plot to the sweep's run. */
  async log(sweep: RunHandle, plan: SweepPlan, rows: readonly SweepRow[]): Promise<void> {
    await sweep.logArtifact('results.txt', `${formatResults(rows)}\n`);
    await sweep.logArtifact('results.json', JSON.stringify(rows, null, 2));
    const points = rows.filter((r) => r.comparison !== undefined).map((r) => ({ label: r.trial, timeSavedPct: r.comparison!.timeSavedPct, deltaAccuracyPp: r.comparison!.deltaAccuracyPp, front: r.front }));
    await logPlot(sweep, PARETO_PLOT_ARTIFACT, () => renderParetoPlot(points, `sweep ${plan.name}`));
  }
}

const signed = (v: number, unit: string) => `${v >= 0 ? '+' : ''}${v.toFixed(unit === 'pp' ? 2 : 1)} ${unit}`;

/** One row per finished trial; `*` marks the best front. */
export function formatResults(rows: readonly SweepRow[]): string {
  if (rows.length === 0) return 'no trial has finished yet';
  const table = alignColumns(
    ['trial', 'train time', 'time saved', 'test acc', 'Δ acc', 'skipped', 'front'],
    rows.map((r) => [
      r.trial,
      `${r.trainTimeS.toFixed(1)} s`,
      r.comparison === undefined ? '(no baseline)' : signed(r.comparison.timeSavedPct, '%'),
      `${(100 * r.testAccuracy).toFixed(2)} %`,
      r.comparison === undefined ? '-' : signed(r.comparison.deltaAccuracyPp, 'pp'),
      r.comparison === undefined ? '-' : `${r.comparison.skippedPct.toFixed(1)} %`,
      r.front ? '*' : '',
    ]),
  );
  return `${table}\ntime saved and Δ acc: against the trial with the same settings and the baseline policy; * the best front (no trial saves more time without losing more accuracy)`;
}
