/**
 * Reading one big dataset file with progress: an (extended) XYZ file is cut at frame boundaries into
 * chunks of about `chunkBytes`, each chunk is read by the ordinary reader (src/data/io), and the frames
 * are joined; after every chunk the bytes and frames read so far are reported. The result equals
 * readDatasetFile's (same arrays, md5, metadata, warnings). Whenever the chunks disagree in what a whole
 * read would decide once for the file (atoms, columns, per-frame keys, warnings), or a chunk fails, the
 * whole file is read again in one piece, so results and error messages (line numbers) stay exact.
 * An .npz file is read in one piece (reported once at the end).
 */
import type { Dataset } from './dataset';
import { detectFormat, readDatasetFile, type ReadDatasetOptions } from './io/index';
import { readXyz } from './io/extxyz';
import { datasetMd5, type DatasetResult } from './io/sgdml-dataset';
import { validateDataset } from './validate';

export interface ReadProgress {
  /** Bytes of the file read so far, and its size. */
  bytesRead: number;
  totalBytes: number;
  /** Frames read so far. */
  frames: number;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Byte offsets where the frames of an XYZ file start (and the file's end as the last entry), from the
 * atom-count lines; null when the layout is not plain frames (the whole reader then explains why).
 */
export function xyzFrameOffsets(bytes: Uint8Array): number[] | null {
  const n = bytes.length;
  const offsets: number[] = [];
  let p = 0;
  const lineEnd = (q: number) => {
    const i = bytes.indexOf(0x0a, q);
    return i < 0 ? n : i + 1;
  };
  while (p < n) {
    // skip blank lines between frames
    let q = p;
    while (q < n && (bytes[q] === 0x20 || bytes[q] === 0x09 || bytes[q] === 0x0d)) q++;
    if (q >= n) break;
    if (bytes[q] === 0x0a) {
      p = q + 1;
      continue;
    }
    let count = 0;
    let digits = 0;
    while (q < n && bytes[q] >= 0x30 && bytes[q] <= 0x39 && digits < 10) {
      count = count * 10 + (bytes[q] - 0x30);
      q++;
      digits++;
    }
    while (q < n && (bytes[q] === 0x20 || bytes[q] === 0x09 || bytes[q] === 0x0d)) q++;
    if (!digits || count < 1 || (q < n && bytes[q] !== 0x0a)) return null;
    offsets.push(p);
    // the count line, the comment line and `count` atom rows
    let e = p;
    for (let k = 0; k < count + 2; k++) {
      if (e >= n) return null;
      e = lineEnd(e);
    }
    p = e;
  }
  if (!offsets.length) return null;
  offsets.push(n);
  return offsets;
}

const sameInts = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Joins chunk datasets read with validation off; null when they disagree (the caller reads the whole file). */
function join(parts: DatasetResult[]): Dataset | null {
  const first = parts[0].dataset;
  const metaKey = JSON.stringify(first.meta ?? {});
  const propKeys = Object.keys(first.frameProps ?? {})
    .sort()
    .join(',');
  const warnKey = parts[0].warnings.join('\n');
  for (const { dataset: d, warnings } of parts) {
    if (
      !sameInts(d.z, first.z) ||
      !d.E !== !first.E ||
      !d.F !== !first.F ||
      d.name !== first.name ||
      d.theory !== first.theory ||
      JSON.stringify(d.meta ?? {}) !== metaKey ||
      Object.keys(d.frameProps ?? {})
        .sort()
        .join(',') !== propKeys ||
      warnings.join('\n') !== warnKey
    )
      return null;
  }
  const ds: Dataset = {
    name: first.name,
    theory: first.theory,
    z: first.z,
    nAtoms: first.nAtoms,
    nFrames: parts.reduce((s, p) => s + p.dataset.nFrames, 0),
    R: concat(parts.map((p) => p.dataset.R)),
    E: first.E ? concat(parts.map((p) => p.dataset.E!)) : null,
    F: first.F ? concat(parts.map((p) => p.dataset.F!)) : null,
    meta: first.meta,
  };
  if (propKeys)
    ds.frameProps = Object.fromEntries(
      Object.keys(first.frameProps!).map((k) => [k, concat(parts.map((p) => p.dataset.frameProps![k]))]),
    );
  return ds;
}

/**
 * readDatasetFile with progress (see the module comment). `onProgress` sees the bytes and frames read
 * after every chunk; the last report has bytesRead = totalBytes.
 */
export function readDatasetWithProgress(
  name: string,
  bytes: Uint8Array,
  opts: ReadDatasetOptions = {},
  onProgress?: (p: ReadProgress) => void,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): DatasetResult {
  const total = bytes.length;
  const whole = () => {
    const r = readDatasetFile(name, bytes, opts);
    onProgress?.({ bytesRead: total, totalBytes: total, frames: r.dataset.nFrames });
    return r;
  };
  const fmt = total > chunkBytes ? detectFormat(name, bytes) : 'small';
  if (fmt !== 'xyz' && fmt !== 'extxyz') return whole();
  const offsets = xyzFrameOffsets(bytes);
  if (!offsets || offsets.length < 3) return whole();
  // chunk boundaries: frame starts about chunkBytes apart
  const cuts = [0];
  for (let i = 1; i < offsets.length - 1; i++)
    if (offsets[i] - offsets[cuts[cuts.length - 1]] >= chunkBytes) cuts.push(i);
  cuts.push(offsets.length - 1);
  if (cuts.length < 3) return whole();
  const decoder = new TextDecoder('utf-8');
  const parts: DatasetResult[] = [];
  let frames = 0;
  try {
    for (let c = 0; c + 1 < cuts.length; c++) {
      const a = offsets[cuts[c]];
      const b = offsets[cuts[c + 1]];
      const r = readXyz(decoder.decode(bytes.subarray(a, b)), { ...opts, source: name, validate: false });
      parts.push(r);
      frames += r.dataset.nFrames;
      onProgress?.({ bytesRead: b, totalBytes: total, frames });
    }
  } catch {
    return whole(); // the whole reader gives the message with the file's own line numbers
  }
  const ds = join(parts);
  if (!ds) return whole();
  const warnings = [...parts[0].warnings];
  if (opts.validate !== false)
    warnings.push(...validateDataset(ds, { source: name, checkUnits: opts.checkUnits }));
  if (ds.F) ds.md5 = datasetMd5(ds);
  return { dataset: ds, warnings };
}
