/**
 * `pes experiment <dataset> --model gap --cutoff-scan a:b:step …`: the GAP experiment once per SOAP
 * cutoff (paper Fig. 6a) through src/eval/cutoff-scan.ts. One results file per cutoff
 * (<out>-rc<cutoff>.json + .csv, the ordinary results format, each resumable as a plain run), a table on
 * stdout and <out>-cutoff-scan.svg (test E and F RMSE of the best fold against the cutoff).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../main.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import type { ForceField, Trainer } from '../../../src/models/types.ts';
import type { CvProgress, PathRef } from '../../../src/eval/cv.ts';
import {
  cutoffResultsFile,
  cutoffScanPoints,
  cutoffScanSvg,
  scanFoldsText,
  cutoffScanTable,
  runCutoffScan,
} from '../../../src/eval/cutoff-scan.ts';
import {
  parseResults,
  resultsToCsv,
  resultsToJson,
  type ExperimentResults,
  type ExperimentSpec,
} from '../../../src/eval/results.ts';

export interface ScanCliOptions {
  ds: Dataset;
  trainer: Trainer;
  cutoffs: number[];
  /** The spec of one cutoff (model options parsed again with --cutoff rc). */
  specFor: (rc: number) => ExperimentSpec;
  /** Results JSON named by --out; each cutoff writes <stem>-rc<cutoff>.json next to it. */
  out: string;
  fresh: boolean;
  signal: AbortSignal;
  paths: PathRef[];
  batch?: number;
  trainErrors: boolean;
  modelInfo?: (m: ForceField) => Record<string, unknown> | undefined;
  environment: Record<string, string>;
  /** Progress bar of `pes experiment`. */
  progress: (p: CvProgress) => void;
  /** A finished fold (for the log line). */
  foldLine: (rc: number, f: ExperimentResults['folds'][number]) => void;
  writeAtomic: (path: string, text: string) => void;
}

/** The SVG written next to the results: "<stem>-cutoff-scan.svg". */
export function scanSvgFile(out: string): string {
  return `${out.replace(/\.json$/i, '')}-cutoff-scan.svg`;
}

/** Runs the scan; returns the files written and the per-cutoff results (throws on error/abort). */
export async function runScanCommand(o: ScanCliOptions): Promise<{
  scan: { cutoff: number; results: ExperimentResults }[];
  files: string[];
}> {
  const previous = new Map<number, ExperimentResults>();
  for (const rc of o.cutoffs) {
    const f = cutoffResultsFile(o.out, rc);
    if (!existsSync(f) || o.fresh) continue;
    try {
      previous.set(rc, parseResults(readFileSync(f, 'utf8'), f));
    } catch (e) {
      throw new CliError(`${(e as Error).message} (use --fresh to overwrite)`);
    }
    console.error(`resuming ${f}: ${previous.get(rc)!.folds.length} finished folds kept`);
  }
  const save = (rc: number, r: ExperimentResults) => {
    const f = cutoffResultsFile(o.out, rc);
    o.writeAtomic(f, resultsToJson(r));
    o.writeAtomic(f.replace(/\.json$/, '.csv'), resultsToCsv(r));
  };
  const scan = await runCutoffScan({
    ds: o.ds,
    trainer: o.trainer,
    spec: o.specFor(o.cutoffs[0]),
    specFor: o.specFor,
    cutoffs: o.cutoffs,
    previous: (rc) => previous.get(rc),
    signal: o.signal,
    paths: o.paths,
    batch: o.batch,
    trainErrors: o.trainErrors,
    modelInfo: o.modelInfo,
    environment: o.environment,
    onProgress: (p) =>
      o.progress({
        ...p,
        fraction: p.scanFraction,
        message: `cutoff ${p.cutoff} Å (${p.cutoffIndex + 1}/${p.nCutoffs})${p.message ? `, ${p.message}` : ''}`,
      }),
    onFoldDone: (rc, r, f) => {
      save(rc, r);
      o.foldLine(rc, f);
    },
    onCutoffDone: (rc, r) => save(rc, r),
  });
  const files = o.cutoffs.map((rc) => cutoffResultsFile(o.out, rc));
  const points = cutoffScanPoints(scan.map((s) => s.results));
  if (points.length) {
    const svg = scanSvgFile(o.out);
    const spec = scan[0].results.spec;
    writeFileSync(
      svg,
      cutoffScanSvg(
        points,
        `GAP/SOAP on ${spec.dataset.name}, n = ${points[0].size}, ${scanFoldsText(points, spec.folds)}, against the SOAP cutoff (paper Fig. 6a)`,
      ),
    );
    files.push(svg);
  }
  return { scan, files };
}

export { cutoffScanTable };
