/**
 * A small, dependency-free SVG writer for the evaluation figures (pure strings, works in Node and the
 * browser):
 * - learning curves (paper Figs. 4/5): log-log test RMSE vs training size, energy (kcal/mol) and force
 *   (kcal/mol/Å) side by side; per result set the best fold (solid, filled markers) and the mean over folds
 *   (dashed, open markers) with a ±1 standard deviation band;
 * - per-cluster bars (paper Fig. 7): energy and force RMSE per cluster, with the cluster's relative
 *   population as a line on a right-hand axis (%).
 */
import { meanClusterErrors, type ExperimentResults } from './results.ts';
import { phiClusterLabel } from '../data/cluster.ts';

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#17becf',
];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f2 = (x: number) => (Math.round(x * 100) / 100).toString();

/**
 * A bold title centred at x. SVG text does not wrap, and a long title (a dataset name with its path and
 * level of theory) would run off the figure: one wider than `maxWidth` by an estimate of bold Helvetica
 * (0.6 em per character) is squeezed to that width with textLength.
 */
export function titleSvg(x: number, y: number, text: string, maxWidth: number, fontSize = 13): string {
  const fit = 0.6 * fontSize * text.length > maxWidth;
  const squeeze = fit ? ` textLength="${f2(maxWidth)}" lengthAdjust="spacingAndGlyphs"` : '';
  return `<text x="${x}" y="${y}" text-anchor="middle" font-size="${fontSize}" font-weight="bold"${squeeze}>${esc(text)}</text>`;
}

export interface Series {
  name: string;
  color: string;
  x: number[];
  y: number[];
  /** Optional band (same length as y). */
  lo?: number[];
  hi?: number[];
  dash?: boolean;
  openMarkers?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  series: Series[];
  /** Legend corner (default top-left). */
  legend?: 'top-left' | 'bottom-left' | 'top-right';
}

/** "Nice" tick values for a linear axis. */
export function linearTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(+v.toPrecision(12));
  return out;
}

/** Ticks for a log axis: 1, 2, 5 × 10^k inside [lo, hi] (all of 1…9 when the range is under a decade). */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const mult = Math.log10(hi / lo) < 1.2 ? [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of mult) {
      const v = +(m * 10 ** e).toPrecision(12);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  return out;
}

/** How round a tick value is: 0 for 1 × 10^k, 1 for 2 or 5 × 10^k, 2 for anything else. */
function tickRank(v: number): number {
  if (v === 0) return 0;
  const m = +(Math.abs(v) / 10 ** Math.floor(Math.log10(Math.abs(v)))).toPrecision(6);
  return m === 1 ? 0 : m === 2 || m === 5 ? 1 : 2;
}

/**
 * The ticks whose labels do not collide, rounder values kept first: `at(v)` is a tick's position in
 * pixels and `room(a, b)` the distance two neighbouring labels need. Returned in axis order.
 */
export function thinTicks(
  ticks: number[],
  at: (v: number) => number,
  room: (a: number, b: number) => number,
): number[] {
  const kept: number[] = [];
  const byRoundness = [...ticks].sort((a, b) => tickRank(a) - tickRank(b));
  for (const v of byRoundness) if (kept.every((k) => Math.abs(at(k) - at(v)) >= room(k, v))) kept.push(v);
  return kept.sort((a, b) => a - b);
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(+v.toPrecision(3));
}

/** Draw one panel into a <g> at (x0, y0) of size w × h. */
function panelSvg(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const m = { l: 62, r: 14, t: 28, b: 46 };
  const pw = w - m.l - m.r,
    ph = h - m.t - m.b;
  const xs = p.series.flatMap((s) => s.x).filter((v) => Number.isFinite(v) && (!p.logX || v > 0));
  const ys = p.series
    .flatMap((s) => [...s.y, ...(s.lo ?? []), ...(s.hi ?? [])])
    .filter((v) => Number.isFinite(v) && (!p.logY || v > 0));
  let [xl, xh] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [1, 10];
  let [yl, yh] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [1, 10];
  if (p.logX) {
    xl /= 1.15;
    xh *= 1.15;
  } else if (xh === xl) {
    xl -= 1;
    xh += 1;
  }
  if (p.logY) {
    // room for a bottom legend: one line ≈ 15 px of the plot height
    yl /= p.legend === 'bottom-left' ? Math.pow(yh / yl, (15 * p.series.length + 10) / 260) * 1.1 : 1.25;
    yh *= 1.25;
  } else {
    const pad = (yh - yl || 1) * 0.08;
    yl = Math.min(0, yl - pad);
    yh += pad;
  }
  const X = (v: number) =>
    x0 + m.l + (p.logX ? Math.log(v / xl) / Math.log(xh / xl) : (v - xl) / (xh - xl)) * pw;
  const Y = (v: number) =>
    y0 + m.t + ph - (p.logY ? Math.log(v / yl) / Math.log(yh / yl) : (v - yl) / (yh - yl)) * ph;
  const parts: string[] = [];
  parts.push(
    `<rect x="${x0 + m.l}" y="${y0 + m.t}" width="${pw}" height="${ph}" fill="white" stroke="#333"/>`,
  );
  // labels are 11 px text: about 6.2 px per character across (with 12 px between neighbours), 13 px high
  const labelWidth = (v: number) => 6.2 * fmtTick(v).length;
  const xt = thinTicks(
    p.logX ? logTicks(xl, xh) : linearTicks(xl, xh),
    X,
    (a, b) => (labelWidth(a) + labelWidth(b)) / 2 + 12,
  );
  const yt = thinTicks(p.logY ? logTicks(yl, yh) : linearTicks(yl, yh), Y, () => 13);
  for (const v of xt) {
    const x = f2(X(v));
    parts.push(`<line x1="${x}" x2="${x}" y1="${y0 + m.t}" y2="${y0 + m.t + ph}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${x}" y="${y0 + m.t + ph + 15}" text-anchor="middle" font-size="11">${fmtTick(v)}</text>`,
    );
  }
  for (const v of yt) {
    const y = f2(Y(v));
    parts.push(`<line x1="${x0 + m.l}" x2="${x0 + m.l + pw}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${x0 + m.l - 5}" y="${y}" dy="4" text-anchor="end" font-size="11">${fmtTick(v)}</text>`,
    );
  }
  parts.push(titleSvg(x0 + m.l + pw / 2, y0 + 18, p.title, 2 * Math.min(m.l + pw / 2, w - m.l - pw / 2) - 8));
  parts.push(
    `<text x="${x0 + m.l + pw / 2}" y="${y0 + h - 8}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(${x0 + 16},${y0 + m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`,
  );
  const ok = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!p.logX || x > 0) && (!p.logY || y > 0);
  for (const s of p.series) {
    if (s.lo && s.hi) {
      const pts: string[] = [];
      const back: string[] = [];
      s.x.forEach((x, i) => {
        const lo = p.logY ? Math.max(s.lo![i], yl) : s.lo![i];
        if (ok(x, lo) && ok(x, s.hi![i])) {
          pts.push(`${f2(X(x))},${f2(Y(s.hi![i]))}`);
          back.unshift(`${f2(X(x))},${f2(Y(lo))}`);
        }
      });
      if (pts.length > 1)
        parts.push(
          `<polygon points="${[...pts, ...back].join(' ')}" fill="${s.color}" fill-opacity="0.15" stroke="none"/>`,
        );
      else if (pts.length === 1) {
        const [px] = pts[0].split(',');
        parts.push(
          `<line x1="${px}" x2="${px}" y1="${pts[0].split(',')[1]}" y2="${back[0].split(',')[1]}" stroke="${s.color}" stroke-opacity="0.5" stroke-width="6"/>`,
        );
      }
    }
    const pts = s.x.map((x, i) => [x, s.y[i]]).filter(([x, y]) => ok(x, y));
    if (pts.length > 1)
      parts.push(
        `<polyline points="${pts.map(([x, y]) => `${f2(X(x))},${f2(Y(y))}`).join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dash ? ' stroke-dasharray="5,4"' : ''}/>`,
      );
    for (const [x, y] of pts)
      parts.push(
        `<circle cx="${f2(X(x))}" cy="${f2(Y(y))}" r="3.5" fill="${s.openMarkers ? 'white' : s.color}" stroke="${s.color}" stroke-width="1.5"><title>${esc(s.name)}: ${fmtTick(x)} → ${y.toPrecision(4)}</title></circle>`,
      );
  }
  // legend
  p.series.forEach((s, i) => {
    const nL = p.series.length;
    const lx = p.legend === 'top-right' ? x0 + m.l + pw - 200 : x0 + m.l + 8,
      ly = p.legend === 'bottom-left' ? y0 + m.t + ph - 10 - (nL - 1 - i) * 15 : y0 + m.t + 12 + i * 15;
    parts.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="1.8"${s.dash ? ' stroke-dasharray="5,4"' : ''}/>`,
    );
    parts.push(
      `<circle cx="${lx + 9}" cy="${ly}" r="3" fill="${s.openMarkers ? 'white' : s.color}" stroke="${s.color}"/>`,
    );
    parts.push(`<text x="${lx + 24}" y="${ly + 4}" font-size="11">${esc(s.name)}</text>`);
  });
  return parts.join('\n');
}

/** A figure of panels laid out in one row. */
export function panelsSvg(
  panels: Panel[],
  opts: { width?: number; height?: number; caption?: string } = {},
): string {
  const w = opts.width ?? 440,
    h = opts.height ?? 340;
  const capH = opts.caption ? 22 : 0;
  const W = w * panels.length,
    H = h + capH;
  const body = panels.map((p, i) => panelSvg(p, i * w, 0, w, h)).join('\n');
  const cap = opts.caption
    ? `<text x="8" y="${h + 15}" font-size="11" fill="#555">${esc(opts.caption)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">\n<rect width="${W}" height="${H}" fill="white"/>\n${body}\n${cap}\n</svg>\n`;
}

/** A short label for a results set: model, descriptor, dataset. */
export function resultsLabel(r: ExperimentResults): string {
  const p = r.spec.params;
  const desc = p.descriptor === 'inv+ang' ? ' [1/r + ang]' : r.spec.model === 'sgdml' ? ' [1/r]' : '';
  const model = r.spec.model === 'sgdml' ? (p.noSym ? 'GDML' : 'sGDML') : r.spec.model.toUpperCase();
  return `${model}${desc} · ${r.spec.dataset.name}`;
}

/** "best fold (3) of 5", or "best fold (3) of 4 finished (5 planned)" for a size still missing folds. */
export function bestFoldText(r: ExperimentResults, s: ExperimentResults['summary'][number]): string {
  const of =
    s.nFolds < r.spec.folds ? `${s.nFolds} finished (${r.spec.folds} planned)` : String(r.spec.folds);
  return `best fold (${s.bestFold + 1}) of ${of}`;
}

/** "; fewer folds: n = 300 (4 of 5)" naming the sizes of any set that miss folds, or ''. */
function fewerFoldsText(sets: { results: ExperimentResults; label?: string }[]): string {
  const parts = sets.flatMap(({ results: r, label }) => {
    const short = r.summary.filter((q) => q.nFolds < r.spec.folds);
    if (!short.length) return [];
    const sizes = short.map((q) => `n = ${q.size} (${q.nFolds} of ${r.spec.folds})`).join(', ');
    return [sets.length > 1 ? `${label ?? resultsLabel(r)} ${sizes}` : sizes];
  });
  return parts.length ? `; fewer folds: ${parts.join('; ')}` : '';
}

/** Learning curves of one or more experiments: energy and force test RMSE vs training size, log-log. */
export function learningCurvesSvg(
  sets: { results: ExperimentResults; label?: string }[],
  opts: { caption?: string } = {},
): string {
  const mk = (key: 'eRmse' | 'fRmse'): Series[] =>
    sets.flatMap(({ results: r, label }, i) => {
      const c = PALETTE[i % PALETTE.length];
      const name = label ?? resultsLabel(r);
      const s = r.summary;
      const x = s.map((q) => q.size);
      return [
        { name: `${name} best`, color: c, x, y: s.map((q) => q.best[key]) },
        {
          name: `${name} mean ± sd`,
          color: c,
          x,
          y: s.map((q) => q.mean[key].mean),
          lo: s.map((q) => q.mean[key].mean - q.mean[key].std),
          hi: s.map((q) => q.mean[key].mean + q.mean[key].std),
          dash: true,
          openMarkers: true,
        },
      ];
    });
  return panelsSvg(
    [
      {
        title: 'Energy',
        xLabel: 'training set size',
        yLabel: 'test energy RMSE (kcal/mol)',
        logX: true,
        logY: true,
        series: mk('eRmse'),
        legend: 'bottom-left',
      },
      {
        title: 'Forces',
        xLabel: 'training set size',
        yLabel: 'test force RMSE (kcal/mol/Å)',
        logX: true,
        logY: true,
        series: mk('fRmse'),
        legend: 'bottom-left',
      },
    ],
    {
      width: 480,
      height: 360,
      caption:
        opts.caption ??
        `${sets[0]?.results.spec.folds ?? 5}-fold CV: best fold (solid) and mean over folds ± 1 sd (dashed, band)${fewerFoldsText(sets)}`,
    },
  );
}

export interface ClusterBar {
  label: string;
  eRmse: number;
  fRmse: number;
  population: number;
}

/**
 * Fig. 7-style per-cluster errors: two panels (energy, force RMSE per cluster) as bars, the relative
 * population (%) as a line with its own axis on the right.
 */
export function clusterBarsSvg(
  bars: ClusterBar[],
  opts: { title?: string; caption?: string; color?: string; xLabel?: string } = {},
): string {
  const color = opts.color ?? PALETTE[0];
  const w = Math.max(520, 40 + bars.length * 26),
    h = 300;
  const panels: string[] = [];
  const draw = (key: 'eRmse' | 'fRmse', yLabel: string, y0: number, title: string) => {
    const m = { l: 62, r: 56, t: 26, b: 52 };
    const pw = w - m.l - m.r,
      ph = h - m.t - m.b;
    const vals = bars.map((b) => b[key]).filter(Number.isFinite);
    const yh = vals.length ? Math.max(...vals) * 1.1 : 1;
    const ticks = linearTicks(0, yh);
    const top = Math.max(yh, ticks[ticks.length - 1]);
    const pops = bars.map((b) => b.population * 100);
    const ph2 = Math.max(1, ...pops.filter(Number.isFinite)) * 1.1;
    const pticks = linearTicks(0, ph2);
    const ptop = Math.max(ph2, pticks[pticks.length - 1]);
    const Y = (v: number) => y0 + m.t + ph - (v / top) * ph;
    const YP = (v: number) => y0 + m.t + ph - (v / ptop) * ph;
    const bw = pw / bars.length;
    const out: string[] = [];
    out.push(`<rect x="${m.l}" y="${y0 + m.t}" width="${pw}" height="${ph}" fill="white" stroke="#333"/>`);
    for (const t of ticks) {
      out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f2(Y(t))}" y2="${f2(Y(t))}" stroke="#e5e5e5"/>`);
      out.push(
        `<text x="${m.l - 5}" y="${f2(Y(t))}" dy="4" text-anchor="end" font-size="11">${fmtTick(t)}</text>`,
      );
    }
    for (const t of pticks)
      out.push(
        `<text x="${m.l + pw + 5}" y="${f2(YP(t))}" dy="4" font-size="11" fill="#444">${fmtTick(t)}</text>`,
      );
    bars.forEach((b, i) => {
      const v = b[key];
      const x = m.l + i * bw;
      if (Number.isFinite(v))
        out.push(
          `<rect x="${f2(x + bw * 0.15)}" y="${f2(Y(v))}" width="${f2(bw * 0.7)}" height="${f2(Y(0) - Y(v))}" fill="${color}" fill-opacity="0.8"><title>${esc(b.label)}: ${v.toPrecision(4)}, population ${(b.population * 100).toFixed(1)} %</title></rect>`,
        );
      out.push(
        `<text transform="translate(${f2(x + bw / 2)},${y0 + m.t + ph + 10}) rotate(45)" font-size="10">${esc(b.label)}</text>`,
      );
    });
    const pts = bars.map((b, i) => `${f2(m.l + (i + 0.5) * bw)},${f2(YP(b.population * 100))}`);
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="#222" stroke-width="1.5"/>`);
    for (const p of pts) {
      const [x, y] = p.split(',');
      out.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="#222"/>`);
    }
    out.push(titleSvg(m.l + pw / 2, y0 + 17, title, 2 * Math.min(m.l + pw / 2, w - m.l - pw / 2) - 8));
    out.push(
      `<text transform="translate(16,${y0 + m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
    );
    out.push(
      `<text transform="translate(${w - 10},${y0 + m.t + ph / 2}) rotate(90)" text-anchor="middle" font-size="12" fill="#444">population (%)</text>`,
    );
    if (opts.xLabel)
      out.push(
        `<text x="${m.l + pw / 2}" y="${y0 + h - 4}" text-anchor="middle" font-size="12">${esc(opts.xLabel)}</text>`,
      );
    panels.push(out.join('\n'));
  };
  const t = opts.title ? `${opts.title}: ` : '';
  draw('eRmse', 'energy RMSE (kcal/mol)', 0, `${t}energy error per cluster`);
  draw('fRmse', 'force RMSE (kcal/mol/Å)', h, `${t}force error per cluster`);
  const capH = opts.caption ? 22 : 0;
  const H = 2 * h + capH;
  const cap = opts.caption
    ? `<text x="8" y="${2 * h + 15}" font-size="11" fill="#555">${esc(opts.caption)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${H}" viewBox="0 0 ${w} ${H}" font-family="Helvetica, Arial, sans-serif">\n<rect width="${w}" height="${H}" fill="white"/>\n${panels.join('\n')}\n${cap}\n</svg>\n`;
}

/**
 * Cluster bars of one experiment at one training size: the best fold's per-cluster test errors (as the
 * paper's Fig. 7 shows best models) or the mean over folds. Population = share of the test frames.
 */
export function experimentClusterBars(
  r: ExperimentResults,
  which: 'phi' | 'geometry',
  size: number,
  stat: 'best' | 'mean' = 'best',
): ClusterBar[] {
  const s = r.summary.find((q) => q.size === size);
  if (!s) return [];
  const rows = meanClusterErrors(r, size, which, stat === 'best' ? s.bestFold : undefined);
  return rows.map((c) => ({
    label: which === 'phi' ? phiClusterLabel(c.cluster) : geometryLabel(r, c.cluster),
    eRmse: c.eRmse,
    fRmse: c.fRmse,
    population: c.population,
  }));
}

function geometryLabel(r: ExperimentResults, c: number): string {
  const all = r.geometryInfo?.clusters;
  if (!all?.[c]) return String(c);
  // geometry cluster g, energy level k (0 = lowest mean energy inside g)
  const k = all.slice(0, c).filter((q) => q.geometry === all[c].geometry).length;
  return `g${all[c].geometry}.e${k}`;
}

/**
 * Energy profile along each reference path (relative to its first point) for the best fold of one size,
 * with the reference; one panel per path. Empty string when the results have no path errors.
 */
export function pathProfilesSvg(r: ExperimentResults, size: number, label?: string): string {
  const s = r.summary.find((q) => q.size === size);
  const f = s && r.folds.find((q) => q.size === size && q.fold === s.bestFold);
  if (!s || !f?.paths?.length) return '';
  const name = label ?? resultsLabel(r);
  return panelsSvg(
    f.paths.map((p) => ({
      title: `${p.id}: barrier ${p.barrierRef.toFixed(1)} (ref) vs ${p.barrierPred.toFixed(1)} kcal/mol`,
      xLabel: 'path point',
      yLabel: 'E − E(first point) (kcal/mol)',
      series: [
        {
          name: 'reference',
          color: '#222',
          x: p.points.map((q) => q.index),
          y: p.points.map((q) => q.eRefRel),
        },
        {
          name: `${name}, n = ${size}`,
          color: PALETTE[0],
          x: p.points.map((q) => q.index),
          y: p.points.map((q) => q.ePredRel),
          dash: true,
          openMarkers: true,
        },
      ],
    })),
    { caption: `${bestFoldText(r, s)} at n = ${size}` },
  );
}
