import { describe, expect, it } from 'vitest';
import { paretoPlotSpec, renderParetoPlot, type ParetoPlotPoint } from '../src/index.js';

const points: ParetoPlotPoint[] = [
  { label: 'policy=never', timeSavedPct: 0, deltaAccuracyPp: 0, front: true },
  { label: 'policy=wus lr=0.1', timeSavedPct: 12, deltaAccuracyPp: -0.3, front: true },
  { label: 'policy=wus lr=0.05', timeSavedPct: 8, deltaAccuracyPp: -0.9, front: false },
];

describe('Pareto plot', () => {
  it('one point per trial, the front apart from the dominated ones', () => {
    const spec = paretoPlotSpec(points) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values.map((v) => [v['trial'], v['on']])).toEqual([
      ['policy=never', 'best front'],
      ['policy=wus lr=0.1', 'best front'],
      ['policy=wus lr=0.05', 'dominated'],
    ]);
  });

  it('renders SVG naming the front trials, and a PNG', async () => {
    const { svg, png } = await renderParetoPlot(points, 'sweep mlp');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('sweep mlp');
    expect(svg).toContain('policy=wus lr=0.1');
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
