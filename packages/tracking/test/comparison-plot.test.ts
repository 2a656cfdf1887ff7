import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonPlotSpec, renderComparisonPlot, type ComparisonPlotTrial, type LearningCurveEpoch } from '../src/index.js';
import { tempRoot } from './helpers.js';

const curve = (skipAt: readonly number[]): LearningCurveEpoch[] =>
  Array.from({ length: 6 }, (_, i) => ({
    epoch: i,
    metrics: { loss: 1 / (i + 1), accuracy: 0.6 + i / 20, val_loss: 1.1 / (i + 1), val_accuracy: 0.55 + i / 20 },
    steps: 10,
    skippedSteps: skipAt.includes(i) ? (i === 5 ? 5 : 10) : 0,
  }));

const trials: ComparisonPlotTrial[] = [
  { label: 'never', timeSavedPct: 0, deltaAccuracyPp: 0, epochs: curve([]) },
  { label: 'wus', timeSavedPct: 7.5, deltaAccuracyPp: -0.1, epochs: curve([2, 5]) },
  { label: 'progressive-freeze', timeSavedPct: 43.5, deltaAccuracyPp: -0.4, epochs: curve([3, 4, 5]) },
];

describe('comparison plot', () => {
  it('places each trial by time saved and Δ accuracy, overlays the curves, shades each skip window in its lane', () => {
    const spec = comparisonPlotSpec(trials) as { vconcat: { data: { values: Record<string, unknown>[] } }[] };
    const [scatter, curves, lanes] = spec.vconcat;
    expect(scatter?.data.values).toEqual([
      { trial: 'never', time_saved_pct: 0, delta_accuracy_pp: 0 },
      { trial: 'wus', time_saved_pct: 7.5, delta_accuracy_pp: -0.1 },
      { trial: 'progressive-freeze', time_saved_pct: 43.5, delta_accuracy_pp: -0.4 },
    ]);
    expect(curves?.data.values).toHaveLength(18);
    expect(curves?.data.values.filter((v) => v['trial'] === 'wus').map((v) => v['epoch'])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lanes?.data.values).toEqual([
      { trial: 'wus', start: 2.5, end: 3.5, skipped: 1 },
      { trial: 'wus', start: 5.5, end: 6.5, skipped: 0.5 },
      { trial: 'progressive-freeze', start: 3.5, end: 4.5, skipped: 1 },
      { trial: 'progressive-freeze', start: 4.5, end: 5.5, skipped: 1 },
      { trial: 'progressive-freeze', start: 5.5, end: 6.5, skipped: 0.5 },
    ]);
  });

  it('renders SVG and a PNG of it (twice the size)', async () => {
    const { svg, png } = await renderComparisonPlot(trials, 'compare lenet5/fashion-mnist');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('compare lenet5/fashion-mnist');
    expect(svg).toContain('progressive-freeze');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = Buffer.from(png);
    const width = view.readUInt32BE(16);
    const height = view.readUInt32BE(20);
    const svgWidth = Number(/width="([\d.]+)"/.exec(svg)?.[1]);
    expect(width).toBe(Math.round(2 * svgWidth));
    expect(height).toBeGreaterThan(600);
    if (process.env['WUS_KEEP_PLOTS'] !== undefined) await writeFile(join(process.env['WUS_KEEP_PLOTS'], 'comparison.png'), png);
    else await tempRoot();
  });
});
