// SVG → PNG with resvg (a Rust renderer shipped as a prebuilt Node package: no browser, no Cairo).
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string, scale = 2): Buffer {
  const resvg = new Resvg(svg, {
    // 2× for sharp figures on high-density screens and in papers.
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
