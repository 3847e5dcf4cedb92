/**
 * `pes info <file>`: what a dataset file holds — name, theory, atoms (count and formula), frames, units,
 * energy range, force RMS and the sGDML md5 (stored and recomputed). Non-dataset `.npz` files (e.g.
 * sGDML models) get a listing of their arrays.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { formula } from '../../../src/chem/elements.ts';
import { readDatasetFile, detectFormat, type ReadDatasetOptions } from '../../../src/data/io/index.ts';
import { readNpz } from '../../../src/data/io/npz.ts';
import { isStringArray, npyToString } from '../../../src/data/io/npy.ts';
import { datasetMd5 } from '../../../src/data/io/sgdml-dataset.ts';
import { DatasetFormatError, EmptyFileError, ZipFormatError } from '../../../src/data/io/errors.ts';
import type { Dataset } from '../../../src/data/dataset.ts';

export const summary =
  'show atoms, frames, units, energy range, force RMS and md5 of a dataset file (.npz, .xyz, .extxyz)';

/** Options shared by `info` and `convert` for reading a dataset. */
export const READ_OPTIONS_HELP = [
  '  --energy-unit U        unit of energies in the input: eV | kcal/mol | Hartree | kJ/mol',
  '                         (default: from the file; else eV for extxyz, kcal/mol for plain xyz / npz)',
  '  --length-unit U        unit of positions in the input: Ang | Bohr (default: from the file, else Ang)',
  '  --forces-are-gradients the force columns hold dE/dR (they are negated)',
  '  --energy-key K         energy key to use when the extxyz has several (e.g. REF_energy)',
  '  --forces-key K         forces column to use when the extxyz has several',
  '  --no-unit-check        skip the bond-length check for positions that look like Bohr',
  '  --max-inflated-bytes N refuse npz archives that inflate beyond N bytes (default 2 GiB)',
].join('\n');

export const READ_BOOLEANS = ['forces-are-gradients', 'no-unit-check', 'help', 'json'];

export function readOptionsFrom(args: ReturnType<typeof parseArgs>): ReadDatasetOptions {
  const o: ReadDatasetOptions = {};
  const s = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  if (s('energy-unit')) o.energyUnit = s('energy-unit');
  if (s('length-unit')) o.lengthUnit = s('length-unit');
  if (args['forces-are-gradients']) o.forcesAreGradients = true;
  if (s('energy-key')) o.energyKey = s('energy-key');
  if (s('forces-key')) o.forcesKey = s('forces-key');
  if (args['no-unit-check']) o.checkUnits = false;
  if (s('max-inflated-bytes')) {
    const n = Number(s('max-inflated-bytes'));
    if (!Number.isFinite(n) || n <= 0)
      throw new CliError(`--max-inflated-bytes needs a positive number, got '${s('max-inflated-bytes')}'`);
    o.maxInflatedBytes = n;
  }
  return o;
}

export function readFileBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(e.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${e.message}`);
  }
}

function stats(a: Float64Array) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < min) min = a[i];
    if (a[i] > max) max = a[i];
    sum += a[i];
  }
  return { min, max, mean: sum / a.length };
}

function rms(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s / a.length);
}

/** A plain summary of a dataset, as printed by `pes info`. */
export function describeDataset(ds: Dataset) {
  const e = ds.E ? stats(ds.E) : null;
  return {
    name: ds.name,
    theory: ds.theory,
    atoms: ds.nAtoms,
    formula: formula(ds.z),
    frames: ds.nFrames,
    units: { positions: 'Ang', energies: 'kcal/mol', forces: 'kcal/mol/Ang' },
    unitsRead: {
      energy: ds.meta?.energy_unit_read ?? ds.meta?.e_unit_converted_from ?? 'kcal/mol',
      length: ds.meta?.length_unit_read ?? ds.meta?.r_unit_converted_from ?? 'Ang',
    },
    energy: e ? { min: e.min, max: e.max, mean: e.mean, range: e.max - e.min } : null,
    forceRms: ds.F ? rms(ds.F) : null,
    frameProps: Object.keys(ds.frameProps ?? {}),
    md5Stored: ds.meta?.md5_stored ?? null,
    md5Computed: ds.meta?.md5_computed ?? null,
    md5AsWritten: datasetMd5(ds) ?? null,
  };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, READ_BOOLEANS);
  if (args.help) {
    console.log(
      `usage: pes info <file> [--json] [options]\n\n${summary}\n\noptions:\n  --json                 print JSON\n${READ_OPTIONS_HELP}`,
    );
    return 0;
  }
  const [path] = args._;
  if (!path) throw new CliError('usage: pes info <file>  (an sGDML .npz, .xyz or .extxyz)');
  const bytes = readFileBytes(path);
  const name = basename(path);
  let result;
  try {
    result = readDatasetFile(name, bytes, readOptionsFrom(args));
  } catch (err) {
    // An npz that is not a dataset (an sGDML model, predictions without F, …): list its arrays.
    if (
      err instanceof DatasetFormatError &&
      detectFormat(name, bytes) === 'npz' &&
      !(err instanceof ZipFormatError || err instanceof EmptyFileError)
    ) {
      return listArrays(name, bytes, err.message, Boolean(args.json));
    }
    throw err;
  }
  const { dataset: ds, warnings } = result;
  const d = describeDataset(ds);
  if (args.json) {
    console.log(JSON.stringify({ file: path, ...d, warnings }, null, 2));
    return 0;
  }
  const f = (x: number, digits = 4) => x.toFixed(digits);
  const lines = [
    `file:        ${path}`,
    `name:        ${d.name}`,
    `theory:      ${d.theory || '(not stated)'}`,
    `atoms:       ${d.atoms} (${d.formula})`,
    `frames:      ${d.frames}`,
    `units:       read as ${d.unitsRead.length}, ${d.unitsRead.energy}; shown in Å, kcal/mol, kcal/mol/Å`,
    d.energy
      ? `energy:      min ${f(d.energy.min)}  max ${f(d.energy.max)}  mean ${f(d.energy.mean)}  range ${f(d.energy.range)} kcal/mol`
      : 'energy:      (none)',
    d.forceRms !== null ? `force RMS:   ${f(d.forceRms)} kcal/mol/Å` : 'forces:      (none)',
  ];
  if (d.frameProps.length) lines.push(`per-frame:   ${d.frameProps.join(', ')}`);
  if (d.md5Stored)
    lines.push(
      `md5 stored:  ${d.md5Stored}${d.md5Computed ? (d.md5Computed === d.md5Stored ? ' (matches the arrays)' : ' (DIFFERS from the arrays)') : ''}`,
    );
  if (d.md5Computed)
    lines.push(
      `md5 arrays:  ${d.md5Computed} (as stored: z ${ds.meta?.z_dtype ?? '?'}, R ${ds.meta?.R_dtype ?? '<f8'})`,
    );
  if (d.md5AsWritten)
    lines.push(`md5 pes npz: ${d.md5AsWritten} (as \`pes convert\` writes it: z int64, R/E/F float64)`);
  console.log(lines.join('\n'));
  for (const w of warnings) console.error(`warning: ${w}`);
  return 0;
}

function listArrays(name: string, bytes: Uint8Array, why: string, json: boolean): number {
  const { arrays, warnings } = readNpz(bytes, { source: name });
  const rows = Object.entries(arrays).map(([k, a]) => ({
    key: k,
    dtype: a.dtype,
    shape: a.shape,
    value:
      isStringArray(a) && a.shape.length === 0
        ? npyToString(a)
        : a.shape.length === 0
          ? String((a.data as ArrayLike<number | bigint>)[0])
          : undefined,
  }));
  if (json) {
    console.log(JSON.stringify({ file: name, dataset: false, reason: why, arrays: rows, warnings }, null, 2));
    return 0;
  }
  console.log(`${name}: not a dataset (${why.replace(/^[^:]*: /, '')}); its arrays:`);
  for (const r of rows)
    console.log(
      `  ${r.key.padEnd(16)} ${r.dtype.padEnd(6)} (${r.shape.join(', ')})${r.value !== undefined ? `  = ${r.value}` : ''}`,
    );
  for (const w of warnings) console.error(`warning: ${w}`);
  return 0;
}
