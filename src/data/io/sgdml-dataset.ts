/**
 * sGDML dataset `.npz` ⇄ {@link Dataset}. Keys: `R` (M, N, 3), `z` (N,), `E` (M,) or (M, 1), `F`
 * (M, N, 3), and string scalars `type` ('d'), `name`, `theory`, `r_unit`, `e_unit`, `md5`.
 *
 * The fingerprint `md5` is computed exactly as the reference sGDML does (`sgdml.utils.io.dataset_md5`):
 * an md5 fed, in the order z, R, E (when present), F, with the raw 16-byte md5 digest of each array's
 * bytes as stored — so the dtype matters (z as int64 vs uint8, R as float64 vs float32).
 */
import type { Dataset } from '../dataset.ts';
import {
  energyToKcalMol,
  lengthToAng,
  parseEnergyUnit,
  parseLengthUnit,
  scaleInPlace,
} from '../../chem/units.ts';
import { Md5, toHex, md5 } from '../../util/md5.ts';
import { validateDataset } from '../validate.ts';
import { DatasetFormatError, DatasetShapeError, MissingFieldError, UnsupportedDtypeError } from './errors.ts';
import { npy, npyBytes, npyToFloat64, npyToInt32, npyToString, isStringArray, type NpyArray } from './npy.ts';
import { readNpz, writeNpz, type ReadNpzOptions } from './npz.ts';

/** md5 of z, R, E (optional), F in the reference sGDML way; arrays are hashed as stored. */
export function sgdmlMd5(z: NpyArray, R: NpyArray, E: NpyArray | null, F: NpyArray): string {
  const h = new Md5();
  for (const a of E ? [z, R, E, F] : [z, R, F]) h.update(md5(npyBytes(a)));
  return toHex(h.digest());
}

/** Keys with a fixed meaning; other numeric (M,) arrays become per-frame properties. */
const RESERVED = new Set([
  'R', 'z', 'E', 'F', 'type', 'name', 'theory', 'r_unit', 'e_unit', 'md5', 'code_version', 'perms', 'lattice',
  'E_min', 'E_max', 'E_mean', 'E_var', 'F_min', 'F_max', 'F_mean', 'F_var',
]); // prettier-ignore

export interface ReadSgdmlOptions extends ReadNpzOptions {
  /** Run {@link validateDataset} (default true). */
  validate?: boolean;
  /** Check bond lengths for Bohr-looking positions (default true). */
  checkUnits?: boolean;
  /** Energy unit of E (and F) when the file has no `e_unit`; overrides it (with a warning) when it has one. */
  energyUnit?: string;
  /** Length unit of R (and F) when the file has no `r_unit`; overrides it (with a warning) when it has one. */
  lengthUnit?: string;
}

export interface DatasetResult {
  dataset: Dataset;
  warnings: string[];
}

/** Read an sGDML dataset `.npz` into a Dataset in Å / kcal/mol / kcal/mol/Å. */
export function readSgdmlNpz(bytes: Uint8Array | ArrayBuffer, opts: ReadSgdmlOptions = {}): DatasetResult {
  const { arrays, warnings, skipped } = readNpz(bytes, opts);
  // A member the dataset needs cannot be skipped: report why it could not be read.
  for (const k of ['R', 'z', 'E', 'F']) if (skipped[k]) throw skipped[k];
  const r = datasetFromArrays(arrays, opts);
  return { dataset: r.dataset, warnings: [...warnings, ...r.warnings] };
}

const shp = (a: NpyArray) => `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;

/** Build a Dataset from the arrays of an sGDML `.npz` (see {@link readSgdmlNpz}). */
export function datasetFromArrays(
  arrays: Record<string, NpyArray>,
  opts: ReadSgdmlOptions = {},
): DatasetResult {
  const src = opts.source ?? 'npz';
  const warnings: string[] = [];
  const str = (k: string): string | undefined =>
    arrays[k] && isStringArray(arrays[k]) ? npyToString(arrays[k], k) : undefined;
  const type = str('type');
  if (type === 'm') {
    throw new DatasetFormatError(`${src}: this is an sGDML model file (type 'm'), not a dataset (type 'd')`, {
      source: src,
      key: 'type',
      expected: 'd',
      found: 'm',
    });
  }
  for (const k of ['R', 'z']) {
    if (!arrays[k]) {
      throw new MissingFieldError(
        `${src}: no '${k}' array; an sGDML dataset needs R (M, N, 3) and z (N,) (found keys: ${Object.keys(arrays).join(', ') || 'none'})`,
        {
          source: src,
          key: k,
        },
      );
    }
  }
  for (const k of ['R', 'z', 'E', 'F']) {
    const a = arrays[k];
    if (a && isStringArray(a)) {
      throw new UnsupportedDtypeError(`${src}: ${k}: expected numbers, found string dtype ${a.dtype}`, {
        source: src,
        key: k,
        found: a.dtype,
      });
    }
  }
  const Ra = arrays.R;
  const za = arrays.z;
  if (Ra.shape.length !== 3 || Ra.shape[2] !== 3) {
    throw new DatasetShapeError(`${src}: R has shape ${shp(Ra)}; expected (M, N, 3)`, {
      source: src,
      key: 'R',
      expected: '(M, N, 3)',
      found: shp(Ra),
    });
  }
  const [M, N] = Ra.shape;
  if (za.shape.length !== 1 || za.shape[0] !== N) {
    throw new DatasetShapeError(
      `${src}: z has shape ${shp(za)} but R has ${N} atoms per frame; expected (${N},)`,
      {
        source: src,
        key: 'z',
        expected: `(${N},)`,
        found: shp(za),
      },
    );
  }
  const Fa = arrays.F ?? null;
  if (Fa && (Fa.shape.length !== 3 || Fa.shape[0] !== M || Fa.shape[1] !== N || Fa.shape[2] !== 3)) {
    throw new DatasetShapeError(
      `${src}: F has shape ${shp(Fa)} but R has shape ${shp(Ra)}; expected F (${M}, ${N}, 3)`,
      {
        source: src,
        key: 'F',
        expected: `(${M}, ${N}, 3)`,
        found: shp(Fa),
      },
    );
  }
  const Ea = arrays.E ?? null;
  if (
    Ea &&
    !(
      (Ea.shape.length === 1 && Ea.shape[0] === M) ||
      (Ea.shape.length === 2 && Ea.shape[0] === M && Ea.shape[1] === 1)
    )
  ) {
    throw new DatasetShapeError(
      `${src}: E has shape ${shp(Ea)} but R has ${M} frames; expected (${M},) or (${M}, 1)`,
      {
        source: src,
        key: 'E',
        expected: `(${M},) or (${M}, 1)`,
        found: shp(Ea),
      },
    );
  }
  if (!Fa) warnings.push(`${src}: no forces (F) in the file`);
  if (!Ea) warnings.push(`${src}: no energies (E) in the file`);

  // md5 over the arrays as stored, before any unit conversion or dtype change.
  const md5Stored = str('md5');
  const md5Computed = Fa ? sgdmlMd5(za, Ra, Ea, Fa) : undefined;
  if (md5Stored && md5Computed && md5Stored !== md5Computed) {
    warnings.push(
      `${src}: stored md5 ${md5Stored} differs from the md5 of the arrays (${md5Computed}); the file was modified after it was written`,
    );
  }

  const fileR = str('r_unit');
  const fileE = str('e_unit');
  const rUnit = parseLengthUnit(opts.lengthUnit ?? fileR ?? 'Ang');
  const eUnit = parseEnergyUnit(opts.energyUnit ?? fileE ?? 'kcal/mol');
  if (opts.lengthUnit && fileR && parseLengthUnit(fileR) !== rUnit) {
    warnings.push(`${src}: the file says r_unit '${fileR}', read as '${rUnit}' as requested`);
  }
  if (opts.energyUnit && fileE && parseEnergyUnit(fileE) !== eUnit) {
    warnings.push(`${src}: the file says e_unit '${fileE}', read as '${eUnit}' as requested`);
  }
  const lf = lengthToAng(rUnit);
  const ef = energyToKcalMol(eUnit);
  // npyToFloat64 returns the parsed buffer itself for <f8, which the Dataset may own (parseNpy copies).
  const R = scaleInPlace(Ra.dtype === '<f8' ? (Ra.data as Float64Array) : npyToFloat64(Ra, 'R'), lf);
  const E = Ea
    ? scaleInPlace(Ea.dtype === '<f8' ? (Ea.data as Float64Array) : npyToFloat64(Ea, 'E'), ef)
    : null;
  const F = Fa
    ? scaleInPlace(Fa.dtype === '<f8' ? (Fa.data as Float64Array) : npyToFloat64(Fa, 'F'), ef / lf)
    : null;

  const meta: Record<string, string> = { source: src, format: 'sgdml-npz' };
  if (rUnit !== 'Ang') meta.r_unit_converted_from = rUnit;
  if (eUnit !== 'kcal/mol') meta.e_unit_converted_from = eUnit;
  for (const [k, a] of Object.entries(arrays)) {
    if (RESERVED.has(k) || k === 'name' || k === 'theory') continue;
    if (isStringArray(a) && a.shape.length === 0) meta[k] = npyToString(a, k);
  }
  for (const k of ['R', 'E', 'F'])
    if (arrays[k] && arrays[k].dtype !== '<f8') meta[`${k}_dtype`] = arrays[k].dtype;
  meta.z_dtype = za.dtype;
  if (md5Stored) meta.md5_stored = md5Stored;
  if (md5Computed) meta.md5_computed = md5Computed;

  const frameProps: Record<string, Float64Array> = {};
  for (const [k, a] of Object.entries(arrays)) {
    if (RESERVED.has(k) || isStringArray(a)) continue;
    if (a.shape.length === 1 && a.shape[0] === M && (a.dtype === '<f8' || a.dtype === '<f4'))
      frameProps[k] = npyToFloat64(a, k);
  }

  const dataset: Dataset = {
    name: str('name') ?? src.replace(/^.*[\\/]/, '').replace(/\.npz$/i, ''),
    theory: str('theory') ?? '',
    z: npyToInt32(za, 'z'),
    nAtoms: N,
    nFrames: M,
    R,
    E,
    F,
    md5: md5Stored ?? md5Computed,
    meta,
  };
  if (Object.keys(frameProps).length) dataset.frameProps = frameProps;
  if (opts.validate !== false)
    warnings.push(...validateDataset(dataset, { source: src, checkUnits: opts.checkUnits }));
  return { dataset, warnings };
}

export interface WriteSgdmlOptions {
  /** Store R and F as float32 (E stays float64). The md5 is then that of the float32 arrays. */
  float32?: boolean;
  /** Deflate members (default true, like np.savez_compressed). */
  compress?: boolean;
  /** Also store per-frame properties as (M,) float64 arrays (default true). */
  includeFrameProps?: boolean;
}

/** The arrays an sGDML dataset `.npz` holds for this Dataset (z int64; R, F float64 or float32; E float64). */
export function datasetToArrays(ds: Dataset, opts: WriteSgdmlOptions = {}): Record<string, NpyArray> {
  const M = ds.nFrames;
  const N = ds.nAtoms;
  const f = (a: Float64Array, shape: number[]) =>
    opts.float32 ? npy.f4(a, shape) : { dtype: '<f8', shape, data: a };
  const z = npy.i8(ds.z);
  const R = f(ds.R, [M, N, 3]);
  const out: Record<string, NpyArray> = {
    type: npy.str('d'),
    name: npy.str(ds.name),
    theory: npy.str(ds.theory),
    z,
    R,
    r_unit: npy.str('Ang'),
    e_unit: npy.str('kcal/mol'),
  };
  let E: NpyArray | null = null;
  if (ds.E) {
    E = { dtype: '<f8', shape: [M], data: ds.E };
    out.E = E;
    Object.assign(out, stats('E', ds.E));
  }
  if (ds.F) {
    const F = f(ds.F, [M, N, 3]);
    out.F = F;
    Object.assign(out, stats('F', ds.F));
    out.md5 = npy.bytes(sgdmlMd5(z, R, E, F));
  }
  if (opts.includeFrameProps !== false) {
    for (const [k, v] of Object.entries(ds.frameProps ?? {})) {
      if (RESERVED.has(k) || k in out) continue;
      out[k] = { dtype: '<f8', shape: [M], data: v };
    }
  }
  return out;
}

function stats(p: string, a: Float64Array): Record<string, NpyArray> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < min) min = a[i];
    if (a[i] > max) max = a[i];
    sum += a[i];
  }
  const mean = sum / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) ** 2;
  return {
    [`${p}_min`]: npy.scalar(min),
    [`${p}_max`]: npy.scalar(max),
    [`${p}_mean`]: npy.scalar(mean),
    [`${p}_var`]: npy.scalar(v / a.length),
  };
}

/** Write a Dataset as an sGDML dataset `.npz` (Å, kcal/mol; md5 as the reference computes it). */
export function writeSgdmlNpz(ds: Dataset, opts: WriteSgdmlOptions = {}): Uint8Array {
  return writeNpz(datasetToArrays(ds, opts), { compress: opts.compress ?? true });
}

/** The md5 the reference sGDML would compute for this Dataset written with these options. */
export function datasetMd5(ds: Dataset, opts: { float32?: boolean } = {}): string | undefined {
  const a = datasetToArrays(ds, { ...opts, includeFrameProps: false });
  return a.md5 ? npyToString(a.md5) : undefined;
}
