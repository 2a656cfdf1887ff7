import { renderVegaLiteSvg, svgToPng } from './render.js';

/** Artifact names of a sweep's Pareto plot (no extension: `.svg` and `.png` are logged). */
export const PARETO_PLOT_ARTIFACT = 'plots/pareto';

/** One trial of a sweep as the Pareto plot shows it. */
export interface ParetoPlotPoint {
  readonly label: string;
  /** Training time saved against the trial's baseline, percent. */
  readonly timeSavedPct: number;
  /** Test accuracy minus the baseline's, percentage points. */
  readonly deltaAccuracyPp: number;
  /** No other trial saves more time without losing more accuracy. */
  readonly front: boolean;
}

/**
 * A sweep at a glance, as a Vega-Lite spec: one point per trial, time saved against Δ test
 * accuracy (up and right is better; baselines sit at 0, 0), the best front joined by a line
 * and drawn in colour, the other trials grey.
 */
export function paretoPlotSpec(points: readonly ParetoPlotPoint[], title = 'Sweep'): Record<string, unknown> {
  const values = points.map((p) => ({ trial: p.label, time_saved_pct: p.timeSavedPct, delta_accuracy_pp: p.deltaAccuracyPp, on: p.front ? 'best front' : 'dominated' }));
  const x = { field: 'time_saved_pct', type: 'quantitative', title: 'training time saved (%)', scale: { zero: true, nice: true } };
  const y = { field: 'delta_accuracy_pp', type: 'quantitative', title: 'Δ test accuracy (pp)', scale: { zero: true, nice: true } };
  const color = { field: 'on', type: 'nominal', title: null, scale: { domain: ['best front', 'dominated'], range: ['#d62728', '#9e9e9e'] } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'one point per trial against its baseline (same settings, no skipping); the best front in red', anchor: 'start' },
    background: 'white',
    padding: 8,
    width: 560,
    height: 320,
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
      { mark: { type: 'rule', color: '#999', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
      { transform: [{ filter: "datum.on === 'best front'" }], mark: { type: 'line', color: '#d62728', strokeWidth: 1.5 }, encoding: { x, y, order: { field: 'time_saved_pct' } } },
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { x, y, color, tooltip: [{ field: 'trial' }, { field: 'time_saved_pct' }, { field: 'delta_accuracy_pp' }] } },
      { transform: [{ filter: "datum.on === 'best front'" }], mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: 'trial' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  };
}

/** The Pareto plot as SVG and PNG. */
export async function renderParetoPlot(points: readonly ParetoPlotPoint[], title?: string): Promise<{ svg: string; png: Uint8Array }> {
  const svg = await renderVegaLiteSvg(paretoPlotSpec(points, title));
  return { svg, png: await svgToPng(svg) };
}
