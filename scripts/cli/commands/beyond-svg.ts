/**
 * SVG figures of `pes beyond`: grouped per-cluster force-RMSE bars (one colour per method) with the
 * cluster population line, and an energy profile (ML path vs reference path).
 */
import { linearTicks, PALETTE } from '../../../src/eval/report-svg.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f2 = (x: number) => x.toFixed(2);
const fmt = (t: number) =>
  Math.abs(t) >= 100 || t === Math.round(t) ? String(Math.round(t)) : t.toPrecision(2);

export interface BarGroup {
  label: string;
  population: number;
  values: number[];
}

/** Grouped bars: groups (clusters) on x, one bar per method; population (%) on the right axis. */
export function groupedBarsSvg(
  groups: BarGroup[],
  methods: string[],
  opts: { title: string; yLabel: string; xLabel: string; caption?: string },
): string {
  const w = Math.max(640, 90 + groups.length * (14 * methods.length + 10)),
    h = 380;
  const m = { l: 64, r: 60, t: 30, b: 70 };
  const pw = w - m.l - m.r,
    ph = h - m.t - m.b;
  const vals = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const vmax = (vals.length ? Math.max(...vals) : 1) * 1.08;
  const ticks = linearTicks(0, vmax);
  const top = Math.max(vmax, ticks[ticks.length - 1]);
  const pops = groups.map((g) => g.population * 100);
  const pmax = Math.max(1, ...pops) * 1.08;
  const pticks = linearTicks(0, pmax);
  const ptop = Math.max(pmax, pticks[pticks.length - 1]);
  const Y = (v: number) => m.t + ph - (v / top) * ph;
  const YP = (v: number) => m.t + ph - (v / ptop) * ph;
  const gw = pw / groups.length;
  const bw = (gw * 0.8) / methods.length;
  const o: string[] = [];
  o.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="white" stroke="#333"/>`);
  for (const t of ticks) {
    o.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f2(Y(t))}" y2="${f2(Y(t))}" stroke="#e5e5e5"/>`);
    o.push(`<text x="${m.l - 5}" y="${f2(Y(t))}" dy="4" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of pticks)
    o.push(`<text x="${m.l + pw + 5}" y="${f2(YP(t))}" dy="4" font-size="11" fill="#444">${fmt(t)}</text>`);
  groups.forEach((g, i) => {
    const x0 = m.l + i * gw + gw * 0.1;
    g.values.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      o.push(
        `<rect x="${f2(x0 + j * bw)}" y="${f2(Y(v))}" width="${f2(bw)}" height="${f2(Y(0) - Y(v))}" fill="${PALETTE[j % PALETTE.length]}"><title>${esc(methods[j])}, ${esc(g.label)}: ${v.toPrecision(4)}</title></rect>`,
      );
    });
    o.push(
      `<text transform="translate(${f2(m.l + (i + 0.5) * gw - 4)},${m.t + ph + 10}) rotate(45)" font-size="10">${esc(g.label)}</text>`,
    );
  });
  const pts = groups.map((g, i) => `${f2(m.l + (i + 0.5) * gw)},${f2(YP(g.population * 100))}`);
  o.push(
    `<polyline points="${pts.join(' ')}" fill="none" stroke="#222" stroke-width="1.2" stroke-dasharray="4 3"/>`,
  );
  methods.forEach((name, j) => {
    const y = m.t + 14 + 16 * j;
    o.push(
      `<rect x="${m.l + 10}" y="${y - 9}" width="12" height="10" fill="${PALETTE[j % PALETTE.length]}"/>`,
    );
    o.push(`<text x="${m.l + 28}" y="${y}" font-size="11">${esc(name)}</text>`);
  });
  const yl = m.t + 14 + 16 * methods.length;
  o.push(
    `<line x1="${m.l + 10}" x2="${m.l + 22}" y1="${yl - 4}" y2="${yl - 4}" stroke="#222" stroke-dasharray="4 3"/>`,
  );
  o.push(`<text x="${m.l + 28}" y="${yl}" font-size="11">population (dataset)</text>`);
  o.push(
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>`,
  );
  o.push(
    `<text transform="translate(16,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(opts.yLabel)}</text>`,
  );
  o.push(
    `<text transform="translate(${w - 12},${m.t + ph / 2}) rotate(90)" text-anchor="middle" font-size="12" fill="#444">population (%)</text>`,
  );
  o.push(
    `<text x="${m.l + pw / 2}" y="${h - 8}" text-anchor="middle" font-size="12">${esc(opts.xLabel)}</text>`,
  );
  const capH = opts.caption ? 20 : 0;
  if (opts.caption)
    o.push(`<text x="8" y="${h + 14}" font-size="11" fill="#555">${esc(opts.caption)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + capH}" viewBox="0 0 ${w} ${h + capH}" font-family="Helvetica, Arial, sans-serif">\n<rect width="${w}" height="${h + capH}" fill="white"/>\n${o.join('\n')}\n</svg>\n`;
}

/** Energy profiles along a path (x = image index), optional distance-to-training line on a right axis. */
export function profileSvg(
  series: { name: string; y: number[] }[],
  opts: { title: string; dist?: number[] | null },
): string {
  const w = 640,
    h = 380,
    m = { l: 64, r: 60, t: 30, b: 50 };
  const pw = w - m.l - m.r,
    ph = h - m.t - m.b;
  const n = Math.max(...series.map((s) => s.y.length));
  const all = series.flatMap((s) => s.y);
  const yt = linearTicks(Math.min(0, ...all), Math.max(...all) * 1.08);
  const lo = Math.min(yt[0], ...all),
    hi = Math.max(yt[yt.length - 1], Math.max(...all) * 1.08);
  const X = (i: number) => m.l + (i / (n - 1)) * pw;
  const Y = (v: number) => m.t + ph - ((v - lo) / (hi - lo)) * ph;
  const o: string[] = [
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="white" stroke="#333"/>`,
  ];
  for (const t of yt) {
    o.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f2(Y(t))}" y2="${f2(Y(t))}" stroke="#e5e5e5"/>`);
    o.push(`<text x="${m.l - 5}" y="${f2(Y(t))}" dy="4" text-anchor="end" font-size="11">${fmt(t)}</text>`);
  }
  for (let i = 0; i < n; i += 2)
    o.push(`<text x="${f2(X(i))}" y="${m.t + ph + 16}" text-anchor="middle" font-size="11">${i}</text>`);
  series.forEach((s, j) => {
    const c = PALETTE[j % PALETTE.length];
    o.push(
      `<polyline points="${s.y.map((v, i) => `${f2(X(i))},${f2(Y(v))}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`,
    );
    for (let i = 0; i < s.y.length; i++)
      o.push(`<circle cx="${f2(X(i))}" cy="${f2(Y(s.y[i]))}" r="2.5" fill="${c}"/>`);
    o.push(`<rect x="${m.l + 10}" y="${m.t + 6 + 16 * j}" width="12" height="3" fill="${c}"/>`);
    o.push(`<text x="${m.l + 28}" y="${m.t + 12 + 16 * j}" font-size="11">${esc(s.name)}</text>`);
  });
  if (opts.dist) {
    const dmax = Math.max(...opts.dist) * 1.1;
    const dt = linearTicks(0, dmax);
    const dtop = Math.max(dmax, dt[dt.length - 1]);
    const YD = (v: number) => m.t + ph - (v / dtop) * ph;
    o.push(
      `<polyline points="${opts.dist.map((v, i) => `${f2(X(i))},${f2(YD(v))}`).join(' ')}" fill="none" stroke="#777" stroke-dasharray="4 3"/>`,
    );
    for (const t of dt)
      o.push(`<text x="${m.l + pw + 5}" y="${f2(YD(t))}" dy="4" font-size="11" fill="#555">${fmt(t)}</text>`);
    o.push(
      `<text transform="translate(${w - 12},${m.t + ph / 2}) rotate(90)" text-anchor="middle" font-size="12" fill="#555">distance to training data (× training spacing), dashed</text>`,
    );
  }
  o.push(
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>`,
  );
  o.push(
    `<text transform="translate(16,${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">energy relative to image 0 (kcal/mol)</text>`,
  );
  o.push(
    `<text x="${m.l + pw / 2}" y="${h - 10}" text-anchor="middle" font-size="12">image (cis → trans)</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif">\n<rect width="${w}" height="${h}" fill="white"/>\n${o.join('\n')}\n</svg>\n`;
}
