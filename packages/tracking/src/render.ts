/**
 * Vega-Lite → SVG (Vega's headless View, `renderer: 'none'`: no canvas, no native module) and
 * SVG → PNG (resvg, a Rust renderer shipped as a prebuilt binary package): the plots logged as
 * artifacts. Both libraries are loaded on first use only.
 */

/** Fonts tried for Vega's `sans-serif` text, in order (Debian's fonts-dejavu-core, fonts-liberation). */
const SANS_SERIF = ['DejaVu Sans', 'Liberation Sans', 'Arial'];

export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A PNG of an SVG document at `scale` × its size (2: sharp on high-density screens). */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: SANS_SERIF[0]!, sansSerifFamily: SANS_SERIF[0]! },
  });
  return new Uint8Array(resvg.render().asPng());
}
