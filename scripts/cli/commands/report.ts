/**
 * `pes report results.json… --out dir`: learning curves (all result files in one figure) and Fig. 7-style
 * per-cluster bars (one figure per file and cluster kind) as SVG, plus a Markdown summary table.
 * `--png` also renders PNGs with headless Chromium (Debian `chromium` through playwright-core), if present.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { parseResults, type ExperimentResults } from '../../../src/eval/results.ts';
import {
  bestFoldText,
  clusterBarsSvg,
  experimentClusterBars,
  learningCurvesSvg,
  pathProfilesSvg,
  PALETTE,
  resultsLabel,
} from '../../../src/eval/report-svg.ts';

export const summary =
  'draw learning curves and per-cluster error bars (SVG, optional PNG) from experiment results';

const HELP = `usage: pes report <results.json>… --out DIR [options]

${summary}

Writes into DIR:
  learning-curves.svg                 test energy and force RMSE vs training size (log-log), best fold and
                                      mean ± sd over folds, one colour per results file
  <name>-phi-n<size>.svg              Fig. 7-style bars: energy/force RMSE per 10° φ cluster, population line
  <name>-geometry-n<size>.svg         the same for the geometry clusters (when the results have them)
  <name>-paths-n<size>.svg            energy along the reference paths, model vs reference (with --paths)
  summary.md                          the numbers as a table

options:
  --out DIR          output folder (required)
  --size N           training size for the cluster bars (default: the largest in each file)
  --stat best|mean   cluster bars from the best fold (default, as the paper) or the mean over folds
  --label a,b,…      legend labels, one per results file
  --png              also write PNGs via headless Chromium (skipped with a note when none is found)`;

function fmt(x: number, d = 3) {
  return Number.isFinite(x) ? x.toFixed(d) : '–';
}

export function summaryMarkdown(sets: { results: ExperimentResults; label: string }[]): string {
  const out: string[] = [];
  for (const { results: r, label } of sets) {
    out.push(`### ${label}`, '');
    out.push(
      `${r.spec.folds}-fold CV, seed ${r.spec.seed}, dataset ${r.spec.dataset.name} (${r.spec.dataset.nFrames} frames), model options ${JSON.stringify(r.spec.params)}`,
      '',
    );
    out.push(
      '| n | folds | best fold | E RMSE best | E RMSE mean ± sd | F RMSE best | F RMSE mean ± sd | E MAE best | F MAE best |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|');
    for (const q of r.summary)
      out.push(
        `| ${q.size} | ${q.nFolds} | ${q.bestFold + 1} | ${fmt(q.best.eRmse)} | ${fmt(q.mean.eRmse.mean)} ± ${fmt(q.mean.eRmse.std)} | ${fmt(q.best.fRmse)} | ${fmt(q.mean.fRmse.mean)} ± ${fmt(q.mean.fRmse.std)} | ${fmt(q.best.eMae)} | ${fmt(q.best.fMae)} |`,
      );
    out.push('', 'Energies kcal/mol, forces kcal/mol/Å (test frames: the other folds).', '');
  }
  return out.join('\n');
}

async function toPng(svgPaths: string[]): Promise<string> {
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const exe = candidates.find((p) => existsSync(p));
  if (!exe) return 'no Chromium found; PNGs skipped';
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return 'playwright-core not installed; PNGs skipped';
  }
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    for (const p of svgPaths) {
      const svg = readFileSync(p, 'utf8');
      const m = /width="(\d+)" height="(\d+)"/.exec(svg);
      const [w, h] = m ? [+m[1], +m[2]] : [800, 600];
      await page.setViewportSize({ width: w, height: h });
      await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
      await page.screenshot({ path: p.replace(/\.svg$/, '.png'), clip: { x: 0, y: 0, width: w, height: h } });
    }
  } finally {
    await browser.close();
  }
  return `wrote ${svgPaths.length} PNGs`;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['help', 'png']);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const files = args._;
  const outDir = typeof args.out === 'string' ? args.out : undefined;
  if (!files.length || !outDir)
    throw new CliError('usage: pes report <results.json>… --out DIR (see pes report --help)');
  const labels = typeof args.label === 'string' ? args.label.split(',') : [];
  const stat = args.stat === 'mean' ? 'mean' : 'best';
  const sets = files.map((f, i) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new CliError(`no such file: ${f}`);
    }
    let results: ExperimentResults;
    try {
      results = parseResults(text, f);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    return { results, label: labels[i] ?? resultsLabel(results), file: f };
  });
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const lc = join(outDir, 'learning-curves.svg');
  writeFileSync(lc, learningCurvesSvg(sets));
  written.push(lc);
  sets.forEach(({ results: r, label, file }, i) => {
    const size =
      typeof args.size === 'string' ? Number(args.size) : Math.max(...r.summary.map((q) => q.size));
    const stem = basename(file).replace(/\.json$/i, '');
    for (const which of ['phi', 'geometry'] as const) {
      const bars = experimentClusterBars(r, which, size, stat);
      if (!bars.length) continue;
      const s = r.summary.find((q) => q.size === size)!;
      const p = join(outDir, `${stem}-${which}-n${size}.svg`);
      writeFileSync(
        p,
        clusterBarsSvg(bars, {
          title: `${label}, n = ${size}`,
          color: PALETTE[i % PALETTE.length],
          xLabel: which === 'phi' ? 'CNNC dihedral φ cluster' : 'geometry cluster (Ward g, energy level e)',
          caption:
            stat === 'best'
              ? `${bestFoldText(r, s)}; population = share of its test frames per cluster`
              : `mean over ${s.nFolds} folds; population = share of the test frames per cluster`,
        }),
      );
      written.push(p);
    }
    const prof = pathProfilesSvg(r, size, label);
    if (prof) {
      const p = join(outDir, `${stem}-paths-n${size}.svg`);
      writeFileSync(p, prof);
      written.push(p);
    }
  });
  const md = join(outDir, 'summary.md');
  writeFileSync(md, summaryMarkdown(sets));
  written.push(md);
  for (const p of written) console.log(`wrote ${p}`);
  if (args.png) console.log(await toPng(written.filter((p) => p.endsWith('.svg'))));
  return 0;
}
