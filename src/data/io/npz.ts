/**
 * `.npz` (a zip of `.npy` members, as numpy's savez / savez_compressed write) reading and writing.
 * The reader lists the zip's central directory first and refuses archives whose declared inflated
 * size exceeds a limit (default 2 GB) before inflating anything, so a zip bomb gives an error rather
 * than exhausting memory. Members that cannot be parsed because they hold pickled Python objects (dtype
 * `|O`) or an unsupported dtype are skipped with a warning; a corrupt member is an error.
 * With `onProgress` or `signal` the members are inflated in chunks: progress (inflated bytes of all
 * selected members) is reported after every chunk and after every array is decoded, and the signal is
 * checked between chunks and arrays; the arrays are byte-identical to the one-shot read.
 */
import { zipSync, type Zippable } from 'fflate';
import { EmptyFileError, UnsupportedDtypeError, ZipFormatError } from './errors.ts';
import { parseNpy, writeNpy, type NpyArray } from './npy.ts';
import { checkZipLimit, extractZipEntry, listZip, looksLikeZip, type ExtractOptions } from './zip.ts';

export const DEFAULT_MAX_INFLATED_BYTES = 2 * 1024 ** 3;

export interface ReadNpzOptions {
  /** Refuse archives that declare more inflated bytes than this (default 2 GiB). */
  maxInflatedBytes?: number;
  /** Name used in messages (the file name). */
  source?: string;
  /** Read only these keys (without `.npy`); others are not inflated. */
  only?: string[];
  /** Progress of a chunked read (see the module comment). */
  onProgress?: (p: NpzReadProgress) => void;
  /** Cancels a chunked read between chunks; its reason is thrown (an AbortError by default). */
  signal?: AbortSignal;
  /** Input bytes per inflation chunk (default 1 MiB). */
  chunkBytes?: number;
}

export interface NpzReadProgress {
  /** 'inflate' while a member is extracted, 'decode' once its array is parsed. */
  stage: 'inflate' | 'decode';
  /** The member's key (name without `.npy`). */
  key: string;
  /** Inflated bytes of the selected members done so far, and their declared total. */
  bytesDone: number;
  totalBytes: number;
  /** bytesDone / totalBytes (1 for an archive without data); never decreases. */
  fraction: number;
}

export interface NpzContents {
  arrays: Record<string, NpyArray>;
  warnings: string[];
  /** Members skipped because of their dtype (pickled objects, big-endian, unsupported), with the reason. */
  skipped: Record<string, UnsupportedDtypeError>;
}

/** Read an `.npz`; keys are member names without the `.npy` suffix. */
export function readNpz(input: Uint8Array | ArrayBuffer, opts: ReadNpzOptions = {}): NpzContents {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const source = opts.source ?? 'npz';
  if (bytes.length === 0)
    throw new EmptyFileError(`${source}: empty file (0 bytes), expected an .npz archive`, { source });
  if (!looksLikeZip(bytes)) {
    const isNpy = bytes[0] === 0x93 && bytes[1] === 0x4e;
    throw new ZipFormatError(
      isNpy
        ? `${source}: this is a single .npy array, not an .npz archive`
        : `${source}: not an .npz (zip) archive: it does not start with the zip signature "PK\\x03\\x04"`,
      { source, expected: 'PK\\x03\\x04' },
    );
  }
  const entries = listZip(bytes, source);
  const wanted = opts.only ? new Set(opts.only) : null;
  const selected = entries.filter((e) => !wanted || wanted.has(keyOf(e.name)));
  checkZipLimit(selected, opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES, source);
  const arrays: Record<string, NpyArray> = {};
  const warnings: string[] = [];
  const skipped: Record<string, UnsupportedDtypeError> = {};
  const chunked = !!(opts.onProgress || opts.signal);
  const members = selected.filter((en) => !en.name.endsWith('/')); // not directory entries
  const totalBytes = members.reduce((s, en) => s + en.size, 0);
  let before = 0;
  const report = (stage: NpzReadProgress['stage'], key: string, bytesDone: number) =>
    opts.onProgress?.({
      stage,
      key,
      bytesDone,
      totalBytes,
      fraction: totalBytes > 0 ? bytesDone / totalBytes : 1,
    });
  for (const en of members) {
    const key = keyOf(en.name);
    let ex: ExtractOptions | undefined;
    if (chunked) {
      opts.signal?.throwIfAborted();
      ex = {
        signal: opts.signal,
        chunkBytes: opts.chunkBytes,
        onBytes: (done) => report('inflate', key, before + Math.min(done, en.size)),
      };
    }
    const member = extractZipEntry(bytes, en, source, ex);
    before += en.size;
    try {
      arrays[key] = parseNpy(member, { source: `${source}: ${en.name}`, copy: false });
    } catch (err) {
      if (err instanceof UnsupportedDtypeError) {
        warnings.push(`skipped '${key}': ${err.message}`);
        skipped[key] = err;
        report('decode', key, before);
        continue;
      }
      throw err;
    }
    report('decode', key, before);
  }
  if (!members.length) report('decode', '', 0);
  return { arrays, warnings, skipped };
}

function keyOf(name: string): string {
  return name.endsWith('.npy') ? name.slice(0, -4) : name;
}

export interface WriteNpzOptions {
  /** Deflate members like np.savez_compressed (default true); false stores them like np.savez. */
  compress?: boolean;
  /** Deflate level 0–9 (default 6). */
  level?: number;
}

/** Write arrays as an `.npz` (keys get the `.npy` suffix). Readable by numpy's `np.load`. */
export function writeNpz(arrays: Record<string, NpyArray>, opts: WriteNpzOptions = {}): Uint8Array {
  const compress = opts.compress ?? true;
  const level = (compress ? (opts.level ?? 6) : 0) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  const files: Zippable = {};
  for (const [k, a] of Object.entries(arrays)) files[`${k}.npy`] = [writeNpy(a), { level }];
  // A fixed timestamp keeps output byte-identical for identical input.
  return zipSync(files, { mtime: new Date(1980, 0, 1, 0, 0, 0) });
}
