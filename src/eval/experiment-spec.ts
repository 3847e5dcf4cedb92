/**
 * Builds the {@link ExperimentSpec} of a cross-validation experiment from a dataset, a model kind and
 * raw option values — the same spec `pes experiment` writes, so the app's worker and the CLI produce
 * the same folds and numbers for the same inputs. Also renders the equivalent `pes experiment`
 * command line, which the app shows next to its results.
 */
import type { Dataset } from '../data/dataset.ts';
import { datasetMd5 } from '../data/io/sgdml-dataset.ts';
import { findAzoDihedral, isAzobenzeneLike } from '../data/cluster.ts';
import { getModelEntry } from '../models/registry.ts';
import type { ExperimentSpec } from './results.ts';

/** How a results file names its dataset (md5 as sGDML computes it, so reruns can check they match). */
export function specDataset(ds: Dataset): ExperimentSpec['dataset'] {
  return {
    name: ds.name,
    md5: ds.md5 ?? datasetMd5(ds),
    nFrames: ds.nFrames,
    nAtoms: ds.nAtoms,
    theory: ds.theory,
  };
}

export interface ExperimentRequestSpec {
  model: string;
  /** Raw model option values keyed by CLI name (strings, numbers or booleans), as `pes experiment` flags. */
  options: Record<string, unknown>;
  sizes: number[];
  folds: number;
  seed: number;
  /** φ atoms: 'auto' finds C–N=N–C in azobenzene-like datasets (the CLI default), null turns φ clusters off. */
  phiAtoms?: number[] | null | 'auto';
  geometryClusters?: boolean;
}

/** The default learning-curve sizes of the paper: 100…1000 (azobenzene), 50, 100, 200…1000 (glycine). */
export function defaultSizes(molecule?: string): number[] {
  const hundreds = Array.from({ length: 10 }, (_, i) => 100 * (i + 1));
  return molecule === 'glycine' ? [50, ...hundreds] : hundreds;
}

/** Parses a comma list of positive integers ("100, 200,300"); throws a readable error otherwise. */
export function parseSizes(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) throw new Error('training sizes: give at least one, e.g. "100,200"');
  const v = parts.map((s) => {
    const x = Number(s);
    if (!Number.isInteger(x) || x < 1) throw new Error(`training sizes: "${s}" is not a positive integer`);
    return x;
  });
  return [...new Set(v)].sort((a, b) => a - b);
}

/** The spec `pes experiment` would build for these inputs (throws readable errors for bad input). */
export function buildExperimentSpec(ds: Dataset, req: ExperimentRequestSpec): ExperimentSpec {
  const entry = getModelEntry(req.model);
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.options))
    if (v !== undefined && v !== '' && v !== false) raw[k] = v;
  const params = entry.parseOptions(raw);
  if (!Number.isInteger(req.folds) || req.folds < 2)
    throw new Error('folds must be an integer of at least 2');
  if (!Number.isInteger(req.seed)) throw new Error(`seed must be an integer, got ${req.seed}`);
  if (!req.sizes.length) throw new Error('give at least one training size');
  for (const n of req.sizes)
    if (!Number.isInteger(n) || n < 1) throw new Error(`training size ${n} is not a positive integer`);
  const phiAtoms =
    req.phiAtoms === 'auto' || req.phiAtoms === undefined
      ? isAzobenzeneLike(ds.z)
        ? findAzoDihedral(ds.z, ds.R)
        : null
      : req.phiAtoms;
  if (
    phiAtoms &&
    (phiAtoms.length !== 4 ||
      phiAtoms.some((a) => !Number.isInteger(a) || a < 0 || a >= ds.nAtoms) ||
      new Set(phiAtoms).size !== 4)
  )
    throw new Error(`the φ dihedral needs four distinct atom indices in 0..${ds.nAtoms - 1}`);
  return {
    dataset: specDataset(ds),
    model: entry.kind,
    params,
    sizes: [...new Set(req.sizes)].sort((a, b) => a - b),
    folds: req.folds,
    seed: req.seed,
    validSize: entry.validSize(params),
    phiAtoms,
    geometryClusters: Boolean(req.geometryClusters),
    bestRule: entry.bestRule,
  };
}

/** The `pes experiment` command line that reproduces a request on `datasetArg` (file or bundled name). */
export function experimentCommand(
  datasetArg: string,
  req: ExperimentRequestSpec,
  paths: string[] = [],
): string {
  const q = (s: string) => (/^[\w.,/+:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['npx pes experiment', q(datasetArg), '--model', req.model];
  for (const [k, v] of Object.entries(req.options)) {
    if (v === undefined || v === '' || v === false) continue;
    parts.push(v === true ? `--${k}` : `--${k} ${q(Array.isArray(v) ? v.join(',') : String(v))}`);
  }
  parts.push('--sizes', req.sizes.join(','), '--folds', String(req.folds), '--seed', String(req.seed));
  if (req.phiAtoms === null) parts.push('--no-phi');
  else if (Array.isArray(req.phiAtoms)) parts.push('--dihedral', req.phiAtoms.join(','));
  if (req.geometryClusters) parts.push('--geometry-clusters');
  if (paths.length) parts.push('--paths', paths.join(','));
  return parts.join(' ');
}
