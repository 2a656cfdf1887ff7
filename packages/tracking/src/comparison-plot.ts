import { epochStep } from './epochs.js';
import type { LearningCurveEpoch } from './learning-curve.js';
import { renderVegaLiteSvg, svgToPng } from './render.js';

/** Artifact names of a study's comparison plot (no extension: `.svg` and `.png` are logged). */
export const COMPARISON_PLOT_ARTIFACT = 'plots/comparison';

/** What the comparison plot shows of a trial. */
export interface ComparisonPlotTrial {
  readonly label: string;
  /** Training time saved against the baseline, percent (0 for the baseline). */
  readonly timeSavedPct: number;
  /** Test accuracy minus the baseline's, percentage points. */
  readonly deltaAccuracyPp: number;
  readonly epochs: readonly LearningCurveEpoch[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/**
 * A study at a glance, as a Vega-Lite spec: (1) per trial, time saved against Δ test accuracy
 * (up and right is better; the baseline sits at 0, 0); (2) the validation-accuracy learning
 * curves overlaid (train accuracy when there is no validation split), epochs counted from 1;
 * (3) under them, on the same epoch axis, one lane per trial with its skip windows shaded
 * (darker = more of the epoch's steps skipped weight updates). One colour per trial throughout.
 */
export function comparisonPlotSpec(trials: readonly ComparisonPlotTrial[], title = 'Comparison'): Record<string, unknown> {
  const labels = trials.map((t) => t.label);
  const color = { field: 'trial', type: 'nominal', title: 'trial', scale: { domain: labels, range: labels.map((_, i) => PALETTE[i % PALETTE.length]) } };
  const hasValidation = trials.some((t) => t.epochs.some((e) => e.metrics['val_accuracy'] !== undefined));
  const key = hasValidation ? 'val_accuracy' : 'accuracy';
  const n = Math.max(1, ...trials.map((t) => t.epochs.length));
  const x = { scale: { domain: [0.5, n + 0.5], nice: false }, title: 'epoch', axis: { tickMinStep: 1 } };
  const points = trials.map((t) => ({ trial: t.label, time_saved_pct: t.timeSavedPct, delta_accuracy_pp: t.deltaAccuracyPp }));
  const curves = trials.flatMap((t) =>
    t.epochs.flatMap((e) => {
      const v = e.metrics[key];
      return v !== undefined && Number.isFinite(v) ? [{ trial: t.label, epoch: epochStep(e), value: v }] : [];
    }),
  );
  const windows = trials.flatMap((t) =>
    t.epochs.filter((e) => e.skippedSteps > 0).map((e) => ({ trial: t.label, start: epochStep(e) - 0.5, end: epochStep(e) + 0.5, skipped: e.steps > 0 ? e.skippedSteps / e.steps : 0 })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'time saved vs Δ test accuracy against the baseline; learning curves with skip windows shaded', anchor: 'start' },
    background: 'white',
    padding: 8,
    vconcat: [
      {
        width: 560,
        height: 220,
        data: { values: points },
        layer: [
          { mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
          { mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
          {
            mark: { type: 'point', filled: true, size: 90 },
            encoding: {
              x: { field: 'time_saved_pct', type: 'quantitative', title: 'training time saved (%)', scale: { zero: true, nice: true } },
              y: { field: 'delta_accuracy_pp', type: 'quantitative', title: 'Δ test accuracy (pp)', scale: { zero: true, nice: true } },
              color,
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 11 },
            encoding: { x: { field: 'time_saved_pct', type: 'quantitative' }, y: { field: 'delta_accuracy_pp', type: 'quantitative' }, text: { field: 'trial' }, color },
          },
        ],
      },
      {
        width: 560,
        height: 200,
        data: { values: curves },
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 1.5 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', ...x },
          y: { field: 'value', type: 'quantitative', title: key === 'val_accuracy' ? 'validation accuracy' : 'train accuracy', scale: { zero: false } },
          color,
        },
      },
      {
        width: 560,
        height: { step: 16 },
        data: { values: windows },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'start', type: 'quantitative', ...x, title: 'epochs with skipped weight updates' },
          x2: { field: 'end' },
          y: { field: 'trial', type: 'nominal', title: null, scale: { domain: labels } },
          color: { ...color, legend: null },
          opacity: { field: 'skipped', type: 'quantitative', scale: { domain: [0, 1], range: [0.25, 0.9] }, legend: null },
        },
      },
    ],
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  };
}

/** The comparison plot as SVG and PNG. */
export async function renderComparisonPlot(trials: readonly ComparisonPlotTrial[], title?: string): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderVegaLiteSvg(comparisonPlotSpec(trials, title));
  return { svg, png: await svgToPng(svg) };
}
