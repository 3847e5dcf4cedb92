/**
 * The GAP/SOAP cutoff scan (paper Fig. 6a): the same cross-validated experiment once per SOAP cutoff,
 * then the best-fold test errors against the cutoff. Shared by `pes experiment --cutoff-scan`, the
 * study plan's scan runs (`pes study`) and the Evaluate tab's worker, so all three draw the same folds
 * and the same figure. Pure functions and the engine loop; no file system, no DOM.
 * Units: cutoff Å, energies kcal/mol, forces kcal/mol/Å.
 */
import type { ForceField } from '../models/types.ts';
import { runCrossValidation, type CvProgress, type RunCvOptions } from './cv.ts';
import { panelsSvg, PALETTE } from './report-svg.ts';
import { meanStd } from './metrics.ts';
import { bestFold, type ExperimentResults, type ExperimentSpec, type FoldResult } from './results.ts';

/** Largest number of cutoffs one scan may have (a typo such as 3:8:0.01 would otherwise run for days). */
export const MAX_SCAN_CUTOFFS = 50;

/**
 * Parses a cutoff list: `a:b:step` (a, a+step, … up to b inclusive, e.g. 3:8:1 → 3,4,5,6,7,8) or a
 * comma list (3,5,8). Cutoffs in Å, positive, returned sorted without repeats; throws readable errors.
 */
export function parseCutoffScan(text: string): number[] {
  const t = text.trim();
  if (!t) throw new Error('cutoff scan: give a:b:step (e.g. 3:8:1) or a comma list of cutoffs in Å');
  let v: number[];
  if (t.includes(':')) {
    const parts = t.split(':').map((s) => s.trim());
    if (parts.length !== 3 || parts.some((s) => s === '' || !Number.isFinite(Number(s))))
      throw new Error(`cutoff scan: "${t}" is not a:b:step (e.g. 3:8:1, cutoffs in Å)`);
    const [a, b, step] = parts.map(Number);
    if (!(step > 0)) throw new Error(`cutoff scan: the step must be positive, got ${step}`);
    if (b < a) throw new Error(`cutoff scan: the last cutoff ${b} Å is below the first ${a} Å`);
    const n = Math.floor((b - a) / step + 1e-9) + 1;
    if (n > MAX_SCAN_CUTOFFS)
      throw new Error(`cutoff scan: ${t} gives ${n} cutoffs; at most ${MAX_SCAN_CUTOFFS}`);
    // rounded to 1e-9 Å so that 0.1 steps give 3.1, not 3.1000000000000001
    v = Array.from({ length: n }, (_, i) => Math.round((a + i * step) * 1e9) / 1e9);
  } else {
    v = t
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const x = Number(s);
        if (!Number.isFinite(x)) throw new Error(`cutoff scan: "${s}" is not a number (cutoffs in Å)`);
        return x;
      });
  }
  for (const x of v) if (!(x > 0)) throw new Error(`cutoff scan: cutoff ${x} Å is not positive`);
  const out = [...new Set(v)].sort((a, b) => a - b);
  if (out.length > MAX_SCAN_CUTOFFS)
    throw new Error(`cutoff scan: ${out.length} cutoffs; at most ${MAX_SCAN_CUTOFFS}`);
  return out;
}

/** Name suffix of one cutoff's run: "rc3", "rc4.5" (file stems and study run ids). */
export function cutoffTag(rc: number): string {
  return `rc${rc}`;
}

/** Results file of one cutoff: "scan.json" → "scan-rc3.json" (the CSV follows with .csv). */
export function cutoffResultsFile(out: string, rc: number): string {
  return `${out.replace(/\.json$/i, '')}-${cutoffTag(rc)}.json`;
}

/** The spec of one cutoff: the base spec with params.cutoff = rc (rebuilt by `specFor` when given). */
export function scanSpec(base: ExperimentSpec, rc: number): ExperimentSpec {
  if (base.model !== 'gap') throw new Error(`the cutoff scan is for GAP (--model gap), not ${base.model}`);
  return { ...base, params: { ...base.params, cutoff: rc } };
}

export interface ScanPoint {
  cutoff: number;
  size: number;
  /** Test errors of the best of the folds below (the run's best-model rule). */
  eRmse: number;
  fRmse: number;
  /** The folds the point is made of (0-based); the same at every cutoff when the scan is `paired`. */
  folds: number[];
  /** Mean and standard deviation (n − 1; 0 for one fold) of the test RMSEs over those folds. */
  eMean: number;
  eSd: number;
  fMean: number;
  fSd: number;
  /** Every point uses the same folds, i.e. the same training frames at every cutoff. */
  paired: boolean;
}

/**
 * Test errors against the SOAP cutoff, from GAP results on one dataset (Fig. 6a); the cutoff of each
 * results file is its spec.params.cutoff (Å). At size n (default: the largest size all of them have).
 * While a scan is unfinished its cutoffs may hold different folds; a best of 4 folds against a best of
 * 1 would then favour the cutoff run longest, so each point uses only the folds that every cutoff has
 * (`paired`, the same training frames everywhere), or, when they share none, its own folds. Cutoffs
 * without folds at that size are left out. Sorted by cutoff; empty when fewer than 2 cutoffs.
 */
export function cutoffScanPoints(results: ExperimentResults[], n?: number): ScanPoint[] {
  const gaps = results.filter(
    (r) => r.spec.model === 'gap' && typeof r.spec.params.cutoff === 'number' && r.summary.length,
  );
  if (gaps.length < 2) return [];
  const common = gaps
    .map((r) => new Set(r.summary.map((q) => q.size)))
    .reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  if (n === undefined && !common.size) return [];
  const size = n ?? Math.max(...common);
  const at = gaps
    .map((r) => ({ r, folds: r.folds.filter((f) => f.size === size) }))
    .filter((x) => x.folds.length);
  if (at.length < 2) return [];
  const shared = at
    .map((x) => new Set(x.folds.map((f) => f.fold)))
    .reduce((a, b) => new Set([...a].filter((k) => b.has(k))));
  const paired = shared.size > 0;
  const pts = at.map(({ r, folds }) => {
    const used = paired ? folds.filter((f) => shared.has(f.fold)) : folds;
    const best = bestFold(used, r.spec.bestRule);
    const e = meanStd(used.map((f) => f.test.eRmse));
    const f = meanStd(used.map((x) => x.test.fRmse));
    return {
      cutoff: r.spec.params.cutoff as number,
      size,
      eRmse: best.test.eRmse,
      fRmse: best.test.fRmse,
      folds: used.map((x) => x.fold).sort((a, b) => a - b),
      eMean: e.mean,
      eSd: e.std,
      fMean: f.mean,
      fSd: f.std,
      paired,
    };
  });
  return pts.sort((a, b) => a.cutoff - b.cutoff);
}

/** Which folds a scan's points come from, for a caption: "folds 1, 2 of 5, the same at every cutoff". */
export function scanFoldsText(points: ScanPoint[], folds: number): string {
  if (!points.length) return '';
  if (!points[0].paired)
    return `each cutoff's own folds (${points.map((p) => p.folds.length).join(' / ')} of ${folds})`;
  const k = points[0].folds;
  if (k.length === folds) return `all ${folds} folds`;
  const names = k.map((x) => x + 1).join(', ');
  return `${k.length === 1 ? 'fold' : 'folds'} ${names} of ${folds}, the same at every cutoff`;
}

/** Fig. 6a as SVG: test energy and force RMSE of the best fold against the SOAP cutoff. */
export function cutoffScanSvg(points: ScanPoint[], caption: string): string {
  const x = points.map((p) => p.cutoff);
  const several = points.some((p) => p.folds.length > 1);
  const series = (key: 'eRmse' | 'fRmse') => {
    const mean = points.map((p) => (key === 'eRmse' ? p.eMean : p.fMean));
    const sd = points.map((p) => (key === 'eRmse' ? p.eSd : p.fSd));
    return [
      {
        name: `best fold, n = ${points[0]?.size ?? '?'}`,
        color: PALETTE[0],
        x,
        y: points.map((p) => p[key]),
      },
      ...(several
        ? [
            {
              name: 'mean ± sd over the folds',
              color: PALETTE[0],
              x,
              y: mean,
              lo: mean.map((m, i) => m - sd[i]),
              hi: mean.map((m, i) => m + sd[i]),
              dash: true,
              openMarkers: true,
            },
          ]
        : []),
    ];
  };
  return panelsSvg(
    [
      {
        title: 'Energy',
        xLabel: 'SOAP cutoff (Å)',
        yLabel: 'test energy RMSE (kcal/mol)',
        series: series('eRmse'),
        legend: 'bottom-left', // the errors sit high above the zero-based axis
      },
      {
        title: 'Forces',
        xLabel: 'SOAP cutoff (Å)',
        yLabel: 'test force RMSE (kcal/mol/Å)',
        series: series('fRmse'),
        legend: 'bottom-left', // the errors sit high above the zero-based axis
      },
    ],
    { caption },
  );
}

/** A plain-text table of a scan (one row per cutoff and size), as `pes experiment` prints it. */
export function cutoffScanTable(scan: { cutoff: number; results: ExperimentResults }[]): string {
  const lines = [
    'cutoff (Å)  size  best fold  E RMSE best / mean (kcal/mol)  F RMSE best / mean (kcal/mol/Å)',
  ];
  for (const { cutoff, results } of scan)
    for (const q of results.summary)
      lines.push(
        `${String(cutoff).padStart(10)}  ${String(q.size).padStart(4)}  ${String(q.bestFold + 1).padStart(9)}  ${q.best.eRmse.toFixed(3).padStart(11)} / ${q.mean.eRmse.mean.toFixed(3).padEnd(17)}  ${q.best.fRmse.toFixed(3).padStart(11)} / ${q.mean.fRmse.mean.toFixed(3)}${q.nFolds < results.spec.folds ? `  (${q.nFolds}/${results.spec.folds} folds)` : ''}`,
      );
  return lines.join('\n');
}

export interface ScanProgress extends CvProgress {
  /** The cutoff running now (Å) and its position in the scan. */
  cutoff: number;
  cutoffIndex: number;
  nCutoffs: number;
  /** 0..1 over the whole scan (finished cutoffs count fully). */
  scanFraction: number;
}

export interface RunScanOptions extends Omit<
  RunCvOptions,
  'spec' | 'previous' | 'onProgress' | 'onFoldDone'
> {
  cutoffs: number[];
  /** Base spec (GAP); each cutoff runs {@link scanSpec}(spec, rc) unless `specFor` builds it. */
  spec: ExperimentSpec;
  specFor?: (rc: number) => ExperimentSpec;
  /** Finished results of a cutoff to continue (e.g. read back from its file). */
  previous?: (rc: number) => ExperimentResults | undefined;
  onProgress?: (p: ScanProgress) => void;
  onFoldDone?: (
    rc: number,
    res: ExperimentResults,
    fold: FoldResult,
    model: ForceField,
  ) => void | Promise<void>;
  /** After each cutoff's experiment (all its folds). */
  onCutoffDone?: (rc: number, res: ExperimentResults) => void | Promise<void>;
}

/**
 * Runs the experiment once per cutoff, in order, through {@link runCrossValidation} (so every cutoff
 * resumes from its own previous results and draws the same folds as a plain run with that cutoff).
 * Stops at the first error or cancellation (the AbortSignal), after what the callbacks saw.
 */
export async function runCutoffScan(
  o: RunScanOptions,
): Promise<{ cutoff: number; results: ExperimentResults }[]> {
  if (!o.cutoffs.length) throw new Error('cutoff scan: no cutoffs');
  const out: { cutoff: number; results: ExperimentResults }[] = [];
  const { cutoffs, specFor, previous, onProgress, onFoldDone, onCutoffDone, ...cv } = o;
  for (const [i, rc] of cutoffs.entries()) {
    if (o.signal?.aborted) throw new Error('cancelled');
    const spec = specFor ? specFor(rc) : scanSpec(o.spec, rc);
    const results = await runCrossValidation({
      ...cv,
      spec,
      previous: previous?.(rc),
      onProgress: (p) =>
        onProgress?.({
          ...p,
          cutoff: rc,
          cutoffIndex: i,
          nCutoffs: cutoffs.length,
          scanFraction: (i + p.fraction) / cutoffs.length,
        }),
      onFoldDone: onFoldDone ? (res, f, m) => onFoldDone(rc, res, f, m) : undefined,
    });
    out.push({ cutoff: rc, results });
    await onCutoffDone?.(rc, results);
  }
  return out;
}
