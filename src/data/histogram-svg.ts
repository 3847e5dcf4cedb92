/**
 * A dependency-free SVG writer for histograms (pure strings; `pes figures` uses it for the paper's
 * Figs. 2 and 3): stacked bars on shared bins, labelled axes with units, a legend, and optional dashed
 * vertical marker lines with a label (e.g. the 5 Å cutoff).
 */
import { linearTicks, PALETTE } from '../eval/report-svg.ts';

export interface SvgHistogram {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Bin edges, length = counts + 1. */
  edges: number[];
  series: { name: string; counts: number[] }[];
  markers?: { x: number; label: string }[];
  width?: number;
  height?: number;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f2 = (x: number) => (Math.round(x * 100) / 100).toString();
const tick = (v: number) =>
  Math.abs(v) >= 1e7
    ? v.toExponential(0)
    : (+v.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 3 });

export function histogramSvg(h: SvgHistogram): string {
  const W = h.width ?? 640;
  const legendRows = h.series.length > 1 ? h.series.length : 0;
  const H = (h.height ?? 380) + legendRows * 16;
  const m = { l: 72, r: 18, t: 34, b: 50 + legendRows * 16 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const nBins = h.edges.length - 1;
  const stack = new Array<number>(nBins).fill(0);
  for (const s of h.series) s.counts.forEach((c, i) => (stack[i] += c));
  const yMax = Math.max(1, ...stack) * 1.05;
  const xl = h.edges[0];
  const xh = Math.max(h.edges[nBins], ...(h.markers ?? []).map((mk) => mk.x * 1.05));
  const X = (v: number) => m.l + ((v - xl) / (xh - xl || 1)) * pw;
  const Y = (v: number) => m.t + ph - (v / yMax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(h.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="white" stroke="#333"/>`,
  );
  for (const v of linearTicks(xl, xh, 8)) {
    const x = f2(X(v));
    out.push(
      `<line x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#e3e3e3"/>`,
      `<text x="${x}" y="${m.t + ph + 16}" text-anchor="middle">${tick(v)}</text>`,
    );
  }
  for (const v of linearTicks(0, yMax, 5)) {
    const y = f2(Y(v));
    out.push(
      `<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#e3e3e3"/>`,
      `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tick(v)}</text>`,
    );
  }
  const base = new Array<number>(nBins).fill(0);
  h.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const rects: string[] = [];
    for (let i = 0; i < nBins; i++) {
      const c = s.counts[i] ?? 0;
      if (c <= 0) continue;
      const x0 = X(h.edges[i]);
      const x1 = X(h.edges[i + 1]);
      const y1 = Y(base[i]);
      const y0 = Y(base[i] + c);
      base[i] += c;
      rects.push(
        `<rect x="${f2(x0)}" y="${f2(y0)}" width="${f2(Math.max(0.5, x1 - x0))}" height="${f2(y1 - y0)}"/>`,
      );
    }
    out.push(`<g class="bars" fill="${color}"><title>${esc(s.name)}</title>${rects.join('')}</g>`);
  });
  for (const mk of h.markers ?? []) {
    const x = f2(X(mk.x));
    // label on the side of the line with more room
    const right = X(mk.x) < m.l + pw / 2;
    out.push(
      `<line class="marker" x1="${x}" y1="${m.t}" x2="${x}" y2="${m.t + ph}" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${f2(X(mk.x) + (right ? 5 : -5))}" y="${m.t + 16}" fill="#d62728" text-anchor="${right ? 'start' : 'end'}">${esc(mk.label)}</text>`,
    );
  }
  out.push(
    `<text x="${m.l + pw / 2}" y="${m.t + ph + 38}" text-anchor="middle">${esc(h.xLabel)}</text>`,
    `<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(h.yLabel)}</text>`,
  );
  if (legendRows)
    h.series.forEach((s, k) => {
      const y = m.t + ph + 56 + k * 16;
      out.push(
        `<rect x="${m.l}" y="${y - 9}" width="12" height="10" fill="${PALETTE[k % PALETTE.length]}"/>`,
        `<text x="${m.l + 18}" y="${y}">${esc(s.name)}</text>`,
      );
    });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
