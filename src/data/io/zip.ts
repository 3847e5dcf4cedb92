/**
 * Minimal ZIP container reading (the part fflate does not expose): list the central directory with
 * declared sizes (including ZIP64 extra fields, which numpy writes), so that limits can be checked
 * BEFORE anything is inflated, and extract single members with a CRC-32 check. Inflation itself is
 * fflate's `inflateSync` into a buffer of exactly the declared size, so memory never exceeds what the
 * directory declares. Written from PKWARE's APPNOTE.TXT. With {@link ExtractOptions} a member is
 * extracted in chunks instead (fflate's streaming `Inflate`, the CRC-32 updated per chunk), so progress
 * can be reported and an AbortSignal checked between chunks; the bytes are the same.
 */
import { Inflate, inflateSync } from 'fflate';
import { EmptyFileError, ZipFormatError, ZipSizeLimitError } from './errors.ts';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  /** Declared inflated size. */
  size: number;
  localHeaderOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) =>
  (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 2 ** 32;

/** True when the bytes start like a ZIP local file header ("PK\x03\x04") or an empty zip ("PK\x05\x06"). */
export function looksLikeZip(b: Uint8Array): boolean {
  return (
    b.length >= 4 &&
    b[0] === 0x50 &&
    b[1] === 0x4b &&
    ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))
  );
}

/** Read the central directory. Throws {@link ZipFormatError} on truncated or malformed containers. */
export function listZip(b: Uint8Array, source = 'zip'): ZipEntry[] {
  if (b.length === 0)
    throw new EmptyFileError(`${source}: empty file (0 bytes), expected a zip (.npz) archive`, { source });
  if (b.length < 22)
    throw new ZipFormatError(
      `${source}: not a zip archive (only ${b.length} bytes); the file is truncated or not an .npz`,
      { source },
    );
  let e = -1;
  const stop = Math.max(0, b.length - 22 - 0xffff);
  for (let p = b.length - 22; p >= stop; p--) {
    if (u32(b, p) === 0x06054b50) {
      e = p;
      break;
    }
  }
  if (e < 0) {
    throw new ZipFormatError(
      `${source}: no zip end-of-central-directory record found; the file is truncated or not a zip (.npz) archive`,
      { source, expected: 'end-of-central-directory record (PK\\x05\\x06)' },
    );
  }
  let count = u16(b, e + 10);
  let cdSize = u32(b, e + 12);
  let cdOff = u32(b, e + 16);
  // ZIP64 end of central directory locator sits just before the EOCD.
  if (e >= 20 && u32(b, e - 20) === 0x07064b50) {
    const z64 = u64(b, e - 12);
    if (z64 + 56 > b.length || u32(b, z64) !== 0x06064b50) {
      throw new ZipFormatError(`${source}: broken ZIP64 end-of-central-directory record`, { source });
    }
    count = u64(b, z64 + 32);
    cdSize = u64(b, z64 + 40);
    cdOff = u64(b, z64 + 48);
  }
  if (cdOff + cdSize > b.length) {
    throw new ZipFormatError(
      `${source}: central directory (${cdSize} bytes at offset ${cdOff}) lies beyond the end of the file (${b.length} bytes); the file is truncated`,
      { source },
    );
  }
  const entries: ZipEntry[] = [];
  let p = cdOff;
  const dec = new TextDecoder('utf-8');
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) {
      throw new ZipFormatError(`${source}: central directory entry ${k + 1} of ${count} is corrupt`, {
        source,
      });
    }
    const method = u16(b, p + 10);
    const crc32 = u32(b, p + 16);
    let compressedSize = u32(b, p + 20);
    let size = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    let localHeaderOffset = u32(b, p + 42);
    if (p + 46 + nameLen + extraLen > b.length)
      throw new ZipFormatError(`${source}: central directory entry ${k + 1} is truncated`, { source });
    const name = dec.decode(b.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extended information: only the fields that are 0xFFFFFFFF in the fixed part are present, in order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = u16(b, x);
      const len = u16(b, x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) {
          size = u64(b, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(b, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(b, q);
      }
      x += 4 + len;
    }
    entries.push({ name, method, crc32, compressedSize, size, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Throw {@link ZipSizeLimitError} when the declared inflated sizes exceed `maxBytes` (nothing is inflated). */
export function checkZipLimit(entries: ZipEntry[], maxBytes: number, source = 'zip'): number {
  let total = 0;
  for (const en of entries) {
    total += en.size;
    if (en.size > maxBytes || total > maxBytes) {
      throw new ZipSizeLimitError(
        `${source}: member '${en.name}' declares ${en.size} inflated bytes (${fmtBytes(total)} in total so far), beyond the limit of ${fmtBytes(maxBytes)}; refusing to inflate (zip bomb guard; raise maxInflatedBytes if the file is genuine)`,
        { source, key: en.name, expected: `≤ ${maxBytes} bytes`, found: `${total} bytes` },
      );
    }
  }
  return total;
}

function fmtBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  return `${n} bytes`;
}

/** Chunked extraction: progress and cancellation between chunks. */
export interface ExtractOptions {
  /** Called after every chunk with the inflated bytes written so far (of `en.size`). */
  onBytes?: (done: number) => void;
  /** Checked before every chunk; when aborted, its reason is thrown (an AbortError by default). */
  signal?: AbortSignal;
  /** Compressed (or stored) input bytes per chunk (default 1 MiB). */
  chunkBytes?: number;
}

export const DEFAULT_EXTRACT_CHUNK = 1024 * 1024;

/**
 * Extract one member (stored or deflated), checking its CRC-32 against the directory. With `opts`
 * the member is extracted chunk by chunk (see {@link ExtractOptions}); the result is the same.
 */
export function extractZipEntry(
  b: Uint8Array,
  en: ZipEntry,
  source = 'zip',
  opts?: ExtractOptions,
): Uint8Array {
  const lh = en.localHeaderOffset;
  if (lh + 30 > b.length || u32(b, lh) !== 0x04034b50) {
    throw new ZipFormatError(
      `${source}: local header of member '${en.name}' is missing or corrupt (truncated file?)`,
      { source, key: en.name },
    );
  }
  const start = lh + 30 + u16(b, lh + 26) + u16(b, lh + 28);
  const end = start + en.compressedSize;
  if (end > b.length) {
    throw new ZipFormatError(
      `${source}: member '${en.name}' is truncated: ${en.compressedSize} compressed bytes declared, ${Math.max(0, b.length - start)} present`,
      {
        source,
        key: en.name,
      },
    );
  }
  let out: Uint8Array;
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(en.size);
  } catch {
    throw new ZipSizeLimitError(
      `${source}: cannot allocate ${fmtBytes(en.size)} for member '${en.name}' (out of memory); lower the data size or use a machine with more memory`,
      {
        source,
        key: en.name,
      },
    );
  }
  if (en.method === 0) {
    if (en.compressedSize !== en.size)
      throw new ZipFormatError(`${source}: stored member '${en.name}' has inconsistent sizes`, {
        source,
        key: en.name,
      });
    if (opts) return copyChunked(b, start, buf, en, source, opts);
    buf.set(b.subarray(start, end));
    out = buf;
  } else if (en.method === 8 && opts && end > start) {
    return inflateChunked(b.subarray(start, end), buf, en, source, opts);
  } else if (en.method === 8) {
    try {
      out = inflateSync(b.subarray(start, end), { out: buf });
    } catch (err) {
      throw new ZipFormatError(
        `${source}: member '${en.name}' does not inflate (${(err as Error).message}); the file is corrupt or truncated`,
        {
          source,
          key: en.name,
        },
      );
    }
    if (out.length !== en.size) {
      throw new ZipFormatError(
        `${source}: member '${en.name}' inflates to ${out.length} bytes, the directory declares ${en.size}`,
        {
          source,
          key: en.name,
        },
      );
    }
  } else {
    throw new ZipFormatError(
      `${source}: member '${en.name}' uses compression method ${en.method}; only stored (0) and deflate (8) are supported`,
      {
        source,
        key: en.name,
      },
    );
  }
  checkCrc(crc32(out), en, source);
  return out;
}

function checkCrc(crc: number, en: ZipEntry, source: string): void {
  if (crc !== en.crc32) {
    throw new ZipFormatError(
      `${source}: member '${en.name}' fails its CRC-32 check (0x${crc.toString(16)} ≠ 0x${en.crc32.toString(16)}): corrupt data, or it inflates to more than its declared size`,
      { source, key: en.name },
    );
  }
}

const chunkOf = (opts: ExtractOptions) => Math.max(1, Math.floor(opts.chunkBytes ?? DEFAULT_EXTRACT_CHUNK));

/** A stored member copied chunk by chunk (CRC per chunk). */
function copyChunked(
  b: Uint8Array,
  start: number,
  buf: Uint8Array,
  en: ZipEntry,
  source: string,
  opts: ExtractOptions,
): Uint8Array {
  const step = chunkOf(opts);
  let c = CRC_INIT;
  for (let p = 0; p < buf.length; p += step) {
    opts.signal?.throwIfAborted();
    const part = b.subarray(start + p, start + Math.min(buf.length, p + step));
    buf.set(part, p);
    c = crc32Update(c, part);
    opts.onBytes?.(p + part.length);
  }
  if (buf.length === 0) opts.onBytes?.(0);
  checkCrc(crc32Final(c), en, source);
  return buf;
}

/**
 * A deflated member inflated chunk by chunk with fflate's streaming Inflate into `buf` (its declared
 * size). Errors read as the one-shot path's: a stream that does not inflate, one that ends short, a CRC
 * mismatch (also for one that runs past the declared size).
 */
function inflateChunked(
  data: Uint8Array,
  buf: Uint8Array,
  en: ZipEntry,
  source: string,
  opts: ExtractOptions,
): Uint8Array {
  const step = chunkOf(opts);
  let got = 0;
  let c = CRC_INIT;
  const inflater = new Inflate((chunk: Uint8Array) => {
    // bytes past the declared size are dropped (as the one-shot inflate into `buf` does): the CRC,
    // taken over the declared size, then fails with the one-shot path's message
    const n = Math.min(chunk.length, Math.max(0, buf.length - got));
    if (n > 0) {
      const part = n < chunk.length ? chunk.subarray(0, n) : chunk;
      buf.set(part, got);
      c = crc32Update(c, part);
    }
    got += chunk.length;
  });
  for (let p = 0; p < data.length; p += step) {
    opts.signal?.throwIfAborted();
    const q = Math.min(data.length, p + step);
    try {
      inflater.push(data.subarray(p, q), q === data.length);
    } catch (err) {
      throw new ZipFormatError(
        `${source}: member '${en.name}' does not inflate (${(err as Error).message}); the file is corrupt or truncated`,
        { source, key: en.name },
      );
    }
    opts.onBytes?.(Math.min(got, buf.length));
  }
  if (got < en.size) {
    throw new ZipFormatError(
      `${source}: member '${en.name}' inflates to ${got} bytes, the directory declares ${en.size}`,
      { source, key: en.name },
    );
  }
  checkCrc(crc32Final(c), en, source);
  return buf;
}

let CRC_TABLE: Uint32Array | null = null;
/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP uses. */
export function crc32(data: Uint8Array): number {
  return crc32Final(crc32Update(CRC_INIT, data));
}

const CRC_INIT = 0xffffffff;
const crc32Final = (c: number) => (c ^ 0xffffffff) >>> 0;

/** Feeds `data` into a running CRC-32 register (start with CRC_INIT, finish with crc32Final). */
function crc32Update(c: number, data: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  const t = CRC_TABLE;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c;
}
