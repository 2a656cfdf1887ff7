import type { EpochRecord } from '@wus/core';
import { epochStep } from './epochs.js';
import { renderVegaLiteSvg } from './render.js';

/** What the plot needs of an epoch (a core EpochRecord has it all). */
export type LearningCurveEpoch = Pick<EpochRecord, 'epoch' | 'metrics' | 'steps' | 'skippedSteps'>;

/** Artifact name under which the tracking callback stores the plot. */
export const LEARNING_CURVE_ARTIFACT = 'plots/learning-curve.svg';

/** Metric keys per panel: train series first, validation second. */
const PANELS = [
  { title: 'accuracy', series: [['accuracy', 'train'], ['val_accuracy', 'validation']] },
  { title: 'loss', series: [['loss', 'train'], ['val_loss', 'validation']] },
] as const;

const SKIP_COLOR = '#f2a541';

/**
 * A Vega-Lite spec of the learning curve: train/validation accuracy (top) and loss (bottom)
 * per epoch, with every epoch in which weight updates were skipped shaded (the darker, the
 * larger the skipped fraction). Non-finite values (a diverged loss) are left out of the lines.
 */
export function learningCurveSpec(epochs: readonly LearningCurveEpoch[], title = 'Learning curve'): Record<string, unknown> {
  const n = epochs.length;
  const skips = epochs
    .filter((e) => e.skippedSteps > 0)
    .map((e) => ({ start: epochStep(e) - 0.5, end: epochStep(e) + 0.5, skipped: e.steps > 0 ? e.skippedSteps / e.steps : 0 }));
  const xScale = { domain: [0.5, Math.max(n + 0.5, 1.5)], nice: false };
  const panel = (p: (typeof PANELS)[number]) => {
    const values = epochs.flatMap((e) =>
      p.series.flatMap(([key, series]) => {
        const v = e.metrics[key];
        return v !== undefined && Number.isFinite(v) ? [{ epoch: epochStep(e), value: v, series }] : [];
      }),
    );
    return {
      width: 560,
      height: 200,
      layer: [
        {
          data: { values: skips },
          mark: { type: 'rect', color: SKIP_COLOR },
          encoding: {
            x: { field: 'start', type: 'quantitative', scale: xScale, title: 'epoch' },
            x2: { field: 'end' },
            opacity: { field: 'skipped', type: 'quantitative', scale: { domain: [0, 1], range: [0.12, 0.5] }, legend: null },
            tooltip: [{ field: 'skipped', type: 'quantitative', title: 'skipped fraction', format: '.0%' }],
          },
        },
        {
          data: { values },
          mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
          encoding: {
            x: { field: 'epoch', type: 'quantitative', scale: xScale, title: 'epoch', axis: { tickMinStep: 1 } },
            y: { field: 'value', type: 'quantitative', title: p.title, scale: { zero: false } },
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              scale: { domain: ['train', 'validation'], range: ['#1f77b4', '#d62728'] },
            },
          },
        },
      ],
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: `shaded: epochs with skipped weight updates (${skips.length} of ${n})`, anchor: 'start' },
    background: 'white',
    padding: 8,
    vconcat: PANELS.map(panel),
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  };
}

/** Renders the learning curve as a standalone SVG document (see render.ts). */
export async function renderLearningCurveSvg(epochs: readonly LearningCurveEpoch[], title?: string): Promise<string> {
  return renderVegaLiteSvg(learningCurveSpec(epochs, title));
}
