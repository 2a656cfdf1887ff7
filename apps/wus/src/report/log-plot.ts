import type { RunHandle } from '@wus/tracking';

/**
 * Logs a plot as `<artifact>.svg` and `.png`. A plot that cannot be rendered (fonts, a renderer
 * bug) must not fail the results it illustrates: its error is stored in its place instead.
 */
export async function logPlot(run: RunHandle, artifact: string, render: () => Promise<{ svg: string; png: Uint8Array }>): Promise<void> {
  let plot: { svg: string; png: Uint8Array };
  try {
    plot = await render();
  } catch (e) {
    await run.logArtifact(`${artifact}.error.txt`, `could not render the plot: ${(e as Error)?.stack ?? String(e)}\n`);
    return;
  }
  await run.logArtifact(`${artifact}.svg`, plot.svg);
  await run.logArtifact(`${artifact}.png`, plot.png);
}
