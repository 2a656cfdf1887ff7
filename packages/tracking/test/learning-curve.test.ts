import { describe, expect, it } from 'vitest';
import { learningCurveSpec, renderLearningCurveSvg, type LearningCurveEpoch } from '../src/index.js';

const epochs: LearningCurveEpoch[] = Array.from({ length: 8 }, (_, i) => ({
  epoch: i,
  metrics: { loss: 2 / (i + 1), accuracy: 0.5 + i / 20, val_loss: i === 3 ? Number.NaN : 2.2 / (i + 1), val_accuracy: 0.45 + i / 20 },
  steps: 100,
  skippedSteps: i === 2 || i === 5 ? 100 : i === 6 ? 40 : 0,
}));

describe('learning curve', () => {
  it('shades exactly the epochs with skipped updates, by skipped fraction', () => {
    const spec = learningCurveSpec(epochs) as { vconcat: { layer: { data: { values: unknown[] } }[] }[] };
    const skips = spec.vconcat[0]?.layer[0]?.data.values;
    // epochs counted from 1: indices 2, 5, 6 are epochs 3, 6, 7
    expect(skips).toEqual([
      { start: 2.5, end: 3.5, skipped: 1 },
      { start: 5.5, end: 6.5, skipped: 1 },
      { start: 6.5, end: 7.5, skipped: 0.4 },
    ]);
    const accuracy = spec.vconcat[0]?.layer[1]?.data.values as { epoch: number }[];
    expect(accuracy.map((p) => p.epoch)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8]);
    // accuracy: 8 train + 8 validation points; loss: the NaN validation point is left out
    expect(spec.vconcat[0]?.layer[1]?.data.values).toHaveLength(16);
    expect(spec.vconcat[1]?.layer[1]?.data.values).toHaveLength(15);
  });

  it('renders a standalone SVG headless (no canvas)', async () => {
    const svg = await renderLearningCurveSvg(epochs, 'wus on fashion-mnist');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('wus on fashion-mnist');
    expect(svg).toContain('3 of 8'); // subtitle: skip windows counted
    expect(svg).toContain('#f2a541'); // shaded windows drawn
    expect(svg).toMatch(/validation/);
  });
});
