/**
 * Dataset parsing and statistics (histograms) off the main thread; owned by the Datasets tab and
 * exposed by workers/data.worker.ts (no tfjs). Progress goes through a callback (a comlink proxy);
 * cancel terminates the worker (src/compute/dataClient.ts).
 */
import type { Dataset } from '../data/dataset';
import { resolveDatasetRef, type DatasetRef } from '../data/datasetRef';
import { detectFormat, type ReadDatasetOptions } from '../data/io/index';
import { readSgdmlNpzWithProgress } from '../data/readNpzProgress';
import { readDatasetWithProgress } from '../data/readProgress';
import {
  SAMPLING_KIND_LABELS,
  checkDihedralAtoms,
  datasetFacts,
  defaultDihedral,
  dihedralHistogram,
  distanceHistogram,
  energyHistogram,
  type DatasetFacts,
  type DihedralHistogram,
  type DistanceHistogram,
  type EnergyHistogram,
} from '../data/stats';
import type { ProgressCallback } from './workerApi';

export interface StatsOptions {
  /** Frames used for the distance histogram (default 2000, evenly spaced). */
  maxFrames?: number;
  /** Dihedral atoms (0-based); default: φ for azobenzene, τ1 for glycine, else atoms 1–4. */
  dihedralAtoms?: number[];
  /** Distance cutoff to mark, Å (default 5). */
  cutoff?: number;
}

export interface DihedralStats extends DihedralHistogram {
  label: string;
}

export interface DatasetStats {
  facts: DatasetFacts;
  /** null when the dataset has no energies. */
  energy: EnergyHistogram | null;
  distances: DistanceHistogram;
  /** null for molecules of fewer than 4 atoms. */
  dihedral: DihedralStats | null;
}

export interface ParsedFile {
  dataset: Dataset;
  warnings: string[];
  stats: DatasetStats;
}

function dihedralOf(ds: Dataset, atoms?: number[]): DihedralStats | null {
  const def = defaultDihedral(ds.z, ds.nFrames ? ds.R.subarray(0, ds.nAtoms * 3) : undefined);
  if (atoms) {
    const err = checkDihedralAtoms(atoms, ds.nAtoms);
    if (err) throw new Error(`${ds.name}: ${err}`);
    const same = def && def.atoms.every((a, i) => a === atoms[i]);
    const label = same ? def.label : `dihedral ${atoms.map((a) => a + 1).join('–')}`;
    return { ...dihedralHistogram(ds, atoms), label };
  }
  return def ? { ...dihedralHistogram(ds, def.atoms), label: def.label } : null;
}

/** All statistics of a dataset; progress runs from `from` to 1. */
export function computeStats(
  ds: Dataset,
  opts: StatsOptions = {},
  onProgress?: ProgressCallback,
  from = 0,
): DatasetStats {
  const report = (f: number, message: string) => onProgress?.({ fraction: from + (1 - from) * f, message });
  report(0, 'energy histogram');
  const kind = ds.frameProps?.kind;
  const energy = ds.E
    ? energyHistogram(ds, kind ? { groupBy: { codes: kind, labels: SAMPLING_KIND_LABELS } } : {})
    : null;
  report(0.1, 'dihedral population');
  const dihedral = dihedralOf(ds, opts.dihedralAtoms);
  report(0.2, 'interatomic distances');
  const distances = distanceHistogram(ds, {
    maxFrames: opts.maxFrames,
    cutoff: opts.cutoff,
    onProgress: (f) => report(0.2 + 0.8 * f, 'interatomic distances'),
  });
  return { facts: datasetFacts(ds), energy, distances, dihedral };
}

/**
 * An `.npz` read with progress: the inflated megabytes of its arrays (0 – 0.45 of the bar), then the
 * checks and the md5 of the arrays (0.45 – 0.5). Cancel terminates the worker (dataClient).
 */
function readNpzReporting(
  name: string,
  bytes: Uint8Array,
  read: ReadDatasetOptions,
  onProgress?: ProgressCallback,
) {
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const r = readSgdmlNpzWithProgress(name, bytes, read, {
    onProgress: (p) =>
      onProgress?.({
        fraction: 0.45 * p.fraction,
        message:
          p.bytesDone < p.totalBytes
            ? `reading ${name}: ${p.stage === 'inflate' ? 'inflating' : 'decoded'} ${p.key}, ${mb(p.bytesDone)} of ${mb(p.totalBytes)} MB`
            : `reading ${name}: checking the arrays and their md5`,
        metrics: { bytesRead: p.bytesDone, totalBytes: p.totalBytes },
      }),
  });
  onProgress?.({
    fraction: 0.5,
    message: `reading ${name}: ${r.dataset.nFrames.toLocaleString('en-US')} frames read`,
    metrics: { frames: r.dataset.nFrames },
  });
  return r;
}

export interface DataWorkerMethods {
  /** Parses a user's file (bytes) with the given units and computes its statistics. */
  parseFile(
    name: string,
    bytes: Uint8Array,
    read?: ReadDatasetOptions,
    opts?: StatsOptions,
    onProgress?: ProgressCallback,
  ): Promise<ParsedFile>;
  /** Statistics of a bundled (fetched and cached in the worker) or inline dataset. */
  datasetStats(ref: DatasetRef, opts?: StatsOptions, onProgress?: ProgressCallback): Promise<DatasetStats>;
  /** The population of another dihedral of the same dataset. */
  dihedralStats(ref: DatasetRef, atoms: number[]): Promise<DihedralStats>;
}

export const dataWorkerMethods: DataWorkerMethods = {
  async parseFile(name, bytes, read = {}, opts = {}, onProgress) {
    const mb = (b: number) => (b / 1e6).toFixed(1);
    onProgress?.({
      fraction: 0,
      message: `parsing ${name}: 0 of ${mb(bytes.length)} MB`,
      metrics: { bytesRead: 0, totalBytes: bytes.length, frames: 0 },
    });
    // parsing is the first half of the bar, the statistics the second
    const { dataset, warnings } =
      detectFormat(name, bytes) === 'npz'
        ? readNpzReporting(name, bytes, read, onProgress)
        : readDatasetWithProgress(name, bytes, read, (p) =>
            onProgress?.({
              fraction: 0.5 * (p.bytesRead / Math.max(1, p.totalBytes)),
              message: `parsing ${name}: ${mb(p.bytesRead)} of ${mb(p.totalBytes)} MB, ${p.frames.toLocaleString('en-US')} frames`,
              metrics: { ...p },
            }),
          );
    const stats = computeStats(dataset, opts, onProgress, 0.5);
    return { dataset, warnings, stats };
  },
  async datasetStats(ref, opts = {}, onProgress) {
    onProgress?.({ fraction: 0, message: 'loading the dataset' });
    const ds = await resolveDatasetRef(ref);
    return computeStats(ds, opts, onProgress, 0.3);
  },
  async dihedralStats(ref, atoms) {
    const ds = await resolveDatasetRef(ref);
    return dihedralOf(ds, atoms)!;
  },
};
