/**
 * Reading a (big) sGDML dataset `.npz` with progress and cancellation: the members are inflated in
 * chunks (src/data/io/npz.ts), reporting the inflated bytes after every chunk and every decoded array,
 * and the AbortSignal is checked between chunks. The result and the error messages equal
 * readDatasetFile's for the same file (same readers, same order of checks).
 */
import { readDatasetFile, type ReadDatasetOptions } from './io/index';
import { readNpz, type NpzReadProgress } from './io/npz';
import { datasetFromArrays, type DatasetResult } from './io/sgdml-dataset';

export type { NpzReadProgress } from './io/npz';

export interface NpzProgressOptions {
  onProgress?: (p: NpzReadProgress) => void;
  signal?: AbortSignal;
  /** Input bytes per inflation chunk (default 1 MiB). */
  chunkBytes?: number;
}

/** readDatasetFile for an `.npz`, with progress and cancellation (see the module comment). */
export function readSgdmlNpzWithProgress(
  name: string,
  bytes: Uint8Array,
  opts: ReadDatasetOptions = {},
  { onProgress, signal, chunkBytes }: NpzProgressOptions = {},
): DatasetResult {
  // an empty file gets readDatasetFile's own message
  if (bytes.length === 0) return readDatasetFile(name, bytes, opts);
  const o = { ...opts, source: name };
  const { arrays, warnings, skipped } = readNpz(bytes, { ...o, onProgress, signal, chunkBytes });
  // as readSgdmlNpz: a member the dataset needs cannot be skipped
  for (const k of ['R', 'z', 'E', 'F']) if (skipped[k]) throw skipped[k];
  signal?.throwIfAborted();
  const r = datasetFromArrays(arrays, o);
  return { dataset: r.dataset, warnings: [...warnings, ...r.warnings] };
}
