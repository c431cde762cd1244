// A small SVG line-plot writer: lines with optional confidence bands, nice axis ticks, a legend. Enough for a
// report's figures without a plotting dependency, and the output is plain text a test can read.
export interface PlotPoint {
  x: number;
  y: number;
  /** The band around y (a confidence interval), drawn when both are given. */
  lower?: number;
  upper?: number;
}

export interface Series {
  label: string;
  points: PlotPoint[];
  dashed?: boolean;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** Ticks to use on x instead of computed ones (the paper's widths 1, 3, 5). */
  xTicks?: number[];
  /** Keep these values inside the y range (0 and 1 on a fraction axis). */
  yInclude?: number[];
  /** Room left and right of the data, as a fraction of the x range (points with bars should not sit on the frame). */
  xPadding?: number;
  /** A dashed horizontal reference line at this y (0.5 on a probability axis). */
  yRule?: number;
}

/** Matplotlib's default cycle (tab10): distinct and readable for colour-blind readers. */
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function seriesColor(index: number): string {
  return palette[index % palette.length]!;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About `count` ticks at 1, 2 or 5 × 10^k steps covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${+(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toPrecision(3)}k`;
  return `${+value.toPrecision(3)}`;
}

export function linePlot(spec: PlotSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 400;
  const series = spec.series.filter((s) => s.points.length > 0);
  const margin = { left: 70, right: 190, top: 40, bottom: 55 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left + plotW / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).concat(spec.xTicks ?? []);
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lower ?? p.y, p.upper ?? p.y])).concat(spec.yInclude ?? []);
  if (xs.length === 0 || ys.length === 0) {
    out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#666">no data</text></svg>`);
    return out.join('\n');
  }
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  const pad = (spec.xPadding ?? 0) * (x1 - x0);
  [x0, x1] = [x0 - pad, x1 + pad];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const yTicks = niceTicks(y0, y1);
  y0 = Math.min(y0, yTicks[0]!);
  y1 = Math.max(y1, yTicks.at(-1)!);
  const xTicks = spec.xTicks ?? niceTicks(x0, x1);
  const px = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const f = (n: number) => n.toFixed(1);

  // Grid and axes.
  for (const t of yTicks) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    if (t < x0 || t > x1) continue;
    out.push(`<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${f(px(t))}" y="${margin.top + plotH + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);

  if (spec.yRule !== undefined && spec.yRule >= y0 && spec.yRule <= y1) {
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(py(spec.yRule))}" y2="${f(py(spec.yRule))}" stroke="#888" stroke-dasharray="4 4"/>`);
  }

  // Bands first, so every line stays visible on top of every band.
  series.forEach((s, i) => {
    const banded = s.points.filter((p) => p.lower !== undefined && p.upper !== undefined);
    if (banded.length < 2) return;
    const upper = banded.map((p) => `${f(px(p.x))},${f(py(p.upper!))}`);
    const lower = banded.map((p) => `${f(px(p.x))},${f(py(p.lower!))}`).reverse();
    out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${seriesColor(i)}" fill-opacity="0.18" stroke="none"/>`);
  });
  series.forEach((s, i) => {
    const color = seriesColor(i);
    const path = s.points.map((p) => `${f(px(p.x))},${f(py(p.y))}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (s.points.length <= 12) {
      for (const p of s.points) {
        out.push(`<circle cx="${f(px(p.x))}" cy="${f(py(p.y))}" r="3" fill="${color}"/>`);
        // A lone point's interval is a bar, since there is no band to draw.
        if (banded(p) && s.points.length === 1) {
          out.push(`<line x1="${f(px(p.x))}" x2="${f(px(p.x))}" y1="${f(py(p.lower!))}" y2="${f(py(p.upper!))}" stroke="${color}" stroke-width="2"/>`);
          for (const end of [p.lower!, p.upper!]) {
            out.push(`<line x1="${f(px(p.x) - 5)}" x2="${f(px(p.x) + 5)}" y1="${f(py(end))}" y2="${f(py(end))}" stroke="${color}" stroke-width="2"/>`);
          }
        }
      }
    }
  });

  // Legend, right of the plot.
  series.forEach((s, i) => {
    const y = margin.top + 10 + i * 18;
    const x = margin.left + plotW + 12;
    out.push(`<line x1="${x}" x2="${x + 22}" y1="${y}" y2="${y}" stroke="${seriesColor(i)}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${x + 28}" y="${y + 4}">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function banded(p: PlotPoint): boolean {
  return p.lower !== undefined && p.upper !== undefined;
}
