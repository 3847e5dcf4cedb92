/**
 * Format dispatch for dataset files: `.npz` (sGDML dataset), `.xyz` / `.extxyz` (extended or plain XYZ).
 * Input is bytes (browser File.arrayBuffer(), Node readFileSync), never a path: no fs in src/.
 */
import type { Dataset } from '../dataset.ts';
import { DatasetFormatError, EmptyFileError } from './errors.ts';
import { readSgdmlNpz, writeSgdmlNpz, type DatasetResult, type WriteSgdmlOptions } from './sgdml-dataset.ts';
import { readXyz, writeXyz, type ReadXyzOptions, type WriteXyzOptions } from './extxyz.ts';
import { looksLikeZip } from './zip.ts';

export * from './errors.ts';
export type { DatasetResult } from './sgdml-dataset.ts';
export { readNpz, writeNpz, DEFAULT_MAX_INFLATED_BYTES } from './npz.ts';
export {
  parseNpy,
  writeNpy,
  npy,
  npyToFloat64,
  npyToInt32,
  npyToNumber,
  npyToString,
  type NpyArray,
} from './npy.ts';
export {
  readSgdmlNpz,
  writeSgdmlNpz,
  datasetFromArrays,
  datasetToArrays,
  datasetMd5,
  sgdmlMd5,
} from './sgdml-dataset.ts';
export { readXyz, writeXyz, type ReadXyzOptions, type WriteXyzOptions, type ModelColumns } from './extxyz.ts';

export type DatasetFileFormat = 'npz' | 'extxyz' | 'xyz';

export interface ReadDatasetOptions extends ReadXyzOptions {
  /** Refuse npz archives that declare more inflated bytes than this (default 2 GiB). */
  maxInflatedBytes?: number;
  /** Run validation (default true). */
  validate?: boolean;
  /** Check bond lengths for Bohr-looking positions (default true). */
  checkUnits?: boolean;
}

/** Guess the format from the extension, then the magic bytes. */
export function detectFormat(name: string, bytes: Uint8Array): DatasetFileFormat | 'npy' | 'unknown' {
  const ext = name.toLowerCase().replace(/^.*\./, '.');
  if (ext === '.npz') return 'npz';
  if (ext === '.npy') return 'npy';
  if (ext === '.extxyz') return 'extxyz';
  if (ext === '.xyz') return 'xyz';
  if (looksLikeZip(bytes)) return 'npz';
  if (bytes[0] === 0x93 && bytes[1] === 0x4e) return 'npy';
  // XYZ starts with an atom count
  let i = 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++;
  if (i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39) return 'xyz';
  return 'unknown';
}

/** Read a dataset file of any supported format into a validated Dataset (Å, kcal/mol, kcal/mol/Å). */
export function readDatasetFile(
  name: string,
  input: Uint8Array | ArrayBuffer | string,
  opts: ReadDatasetOptions = {},
): DatasetResult {
  const bytes =
    typeof input === 'string'
      ? new TextEncoder().encode(input)
      : input instanceof Uint8Array
        ? input
        : new Uint8Array(input);
  if (bytes.length === 0) throw new EmptyFileError(`${name}: the file is empty (0 bytes)`, { source: name });
  const fmt = detectFormat(name, bytes);
  switch (fmt) {
    case 'npz':
      return readSgdmlNpz(bytes, { ...opts, source: name });
    case 'xyz':
    case 'extxyz':
      return readXyz(typeof input === 'string' ? input : new TextDecoder('utf-8').decode(bytes), {
        ...opts,
        source: name,
      });
    case 'npy':
      throw new DatasetFormatError(
        `${name}: a single .npy array is not a dataset; expected an sGDML .npz (R, z, E, F) or an (extended) XYZ file`,
        {
          source: name,
          expected: '.npz, .xyz or .extxyz',
        },
      );
    default:
      throw new DatasetFormatError(
        `${name}: unknown dataset format; expected an sGDML .npz or an (extended) XYZ file (.xyz, .extxyz)`,
        {
          source: name,
          expected: '.npz, .xyz or .extxyz',
        },
      );
  }
}

export interface WriteDatasetOptions extends WriteSgdmlOptions, WriteXyzOptions {}

/** Serialise a dataset in the given format ('npz', 'extxyz', or plain 'xyz'). Text formats come back UTF-8 encoded. */
export function writeDataset(
  ds: Dataset,
  format: DatasetFileFormat,
  opts: WriteDatasetOptions = {},
): Uint8Array {
  if (format === 'npz') return writeSgdmlNpz(ds, opts);
  return new TextEncoder().encode(writeXyz(ds, { ...opts, plain: format === 'xyz' ? true : opts.plain }));
}
