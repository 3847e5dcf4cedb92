/**
 * Reader and writer for NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0), written from the
 * format's specification (numpy/lib/format.py docs):
 *
 *   "\x93NUMPY" | major | minor | header length (uint16 LE for v1, uint32 LE for v2/v3)
 *   | header: a Python dict literal {'descr': …, 'fortran_order': …, 'shape': (…), } padded with
 *     spaces and a final '\n' so that the data starts at a multiple of 64 (16 in old files)
 *   | raw data, C or Fortran order.
 *
 * Supported dtypes: <f8 <f4 <i8 <u8 <i4 <u4 <i2 <u2 |i1 |u1 |b1, unicode strings <U… (UTF-32LE code
 * points, NUL-padded) and byte strings |S…. Big-endian data is rejected with a clear error, `|O`
 * (pickled objects) raises {@link PickledArrayError} so npz readers can skip it with a warning, and
 * Fortran-ordered arrays are transposed into C order. Pure TypeScript; no Node APIs.
 */
import { NpyFormatError, PickledArrayError, UnsupportedDtypeError } from './errors.ts';

export type NpyNumericData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** Numeric arrays come back as typed arrays; a string scalar (shape `[]`) as a string; string arrays as string[]. */
export type NpyData = NpyNumericData | string | string[];

export interface NpyArray {
  /** NumPy dtype descriptor as stored, normalised (e.g. '<f8', '|u1', '<U32', '|S32'). */
  dtype: string;
  /** Shape; `[]` for a 0-d (scalar) array. */
  shape: number[];
  /** Elements in C (row-major) order. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type NumericKind = {
  size: number;
  make: (buf: ArrayBuffer, n: number, offset: number) => NpyNumericData;
  name: string;
};
const NUMERIC: Record<string, NumericKind> = {
  f8: { size: 8, make: (b, n, o) => new Float64Array(b, o, n), name: 'float64' },
  f4: { size: 4, make: (b, n, o) => new Float32Array(b, o, n), name: 'float32' },
  i8: { size: 8, make: (b, n, o) => new BigInt64Array(b, o, n), name: 'int64' },
  u8: { size: 8, make: (b, n, o) => new BigUint64Array(b, o, n), name: 'uint64' },
  i4: { size: 4, make: (b, n, o) => new Int32Array(b, o, n), name: 'int32' },
  u4: { size: 4, make: (b, n, o) => new Uint32Array(b, o, n), name: 'uint32' },
  i2: { size: 2, make: (b, n, o) => new Int16Array(b, o, n), name: 'int16' },
  u2: { size: 2, make: (b, n, o) => new Uint16Array(b, o, n), name: 'uint16' },
  i1: { size: 1, make: (b, n, o) => new Int8Array(b, o, n), name: 'int8' },
  u1: { size: 1, make: (b, n, o) => new Uint8Array(b, o, n), name: 'uint8' },
  b1: { size: 1, make: (b, n, o) => new Uint8Array(b, o, n), name: 'bool' },
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function requireLittleEndianHost(): void {
  if (!LITTLE_ENDIAN_HOST) throw new Error('npy: this reader needs a little-endian host');
}

/** Parsed dtype descriptor. */
interface DtypeInfo {
  /** Normalised descriptor string. */
  descr: string;
  kind: 'numeric' | 'unicode' | 'bytes';
  /** Bytes per element. */
  itemsize: number;
  /** For numeric kinds, the key into NUMERIC. */
  code?: string;
  /** For strings, characters per element. */
  chars?: number;
}

function parseDescr(descr: unknown, where: string): DtypeInfo {
  if (typeof descr !== 'string') {
    throw new UnsupportedDtypeError(
      `${where}: structured (record) dtype ${pyRepr(descr)} is not supported; expected a plain dtype such as '<f8'`,
      { expected: "a plain dtype such as '<f8'", found: pyRepr(descr) },
    );
  }
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m)
    throw new UnsupportedDtypeError(`${where}: cannot parse dtype descriptor '${descr}'`, { found: descr });
  const [, order, kindChar, digits] = m;
  if (kindChar === 'O') {
    throw new PickledArrayError(
      `${where}: dtype '${descr}' holds pickled Python objects, which cannot be read safely`,
      {
        found: descr,
      },
    );
  }
  const n = digits === '' ? NaN : Number(digits);
  if (kindChar === 'U' || kindChar === 'S' || kindChar === 'a') {
    if (!Number.isFinite(n))
      throw new UnsupportedDtypeError(`${where}: string dtype '${descr}' has no length`, { found: descr });
    if (kindChar === 'U') {
      if (order === '>') throw bigEndian(descr, where);
      return { descr: `<U${n}`, kind: 'unicode', itemsize: 4 * n, chars: n };
    }
    return { descr: `|S${n}`, kind: 'bytes', itemsize: n, chars: n };
  }
  const code = `${kindChar}${digits}`;
  const info = NUMERIC[code];
  if (!info) {
    throw new UnsupportedDtypeError(
      `${where}: dtype '${descr}' is not supported; supported: <f8 <f4 <i8 <u8 <i4 <u4 <i2 <u2 |i1 |u1 |b1 <U… |S…`,
      { found: descr },
    );
  }
  if (info.size > 1 && order === '>') throw bigEndian(descr, where);
  return { descr: info.size === 1 ? `|${code}` : `<${code}`, kind: 'numeric', itemsize: info.size, code };
}

function bigEndian(descr: string, where: string): UnsupportedDtypeError {
  return new UnsupportedDtypeError(
    `${where}: big-endian dtype '${descr}' is not supported; re-save it little-endian (numpy: arr.astype('<${descr.slice(1)}'))`,
    { expected: 'little-endian (<)', found: descr },
  );
}

// ---------------------------------------------------------------------------------------------
// A minimal parser for the Python literal in the header: dicts, tuples, lists, strings, ints,
// True/False/None.

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

function parsePyLiteral(text: string, where: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new NpyFormatError(
      `${where}: malformed header (${what} at character ${i + 1}): ${JSON.stringify(text.trim())}`,
      {
        found: text.trim(),
      },
    );
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        const k = value();
        if (typeof k !== 'string') fail('dict key is not a string');
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[k as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}'");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const arr: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return arr;
        }
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        s += text[i++];
      }
      if (i >= text.length) fail('unterminated string');
      i++;
      return s;
    }
    const m = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(i));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'True' ? true : m[2] === 'False' ? false : null;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

function pyRepr(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

// ---------------------------------------------------------------------------------------------

export interface ParseNpyOptions {
  /** Name used in error messages (e.g. the npz member 'R.npy'). */
  source?: string;
  /**
   * Copy the data out of the input (default true). With false, numeric data that is suitably aligned
   * is returned as a view on the input's buffer (used for freshly inflated npz members).
   */
  copy?: boolean;
}

/** Parse a complete `.npy` byte stream. Throws {@link NpyFormatError} (or a subclass) with a precise message. */
export function parseNpy(input: Uint8Array | ArrayBuffer, opts: ParseNpyOptions = {}): NpyArray {
  requireLittleEndianHost();
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const where = opts.source ?? 'npy';
  const d = { source: opts.source };
  if (bytes.length === 0)
    throw new NpyFormatError(`${where}: empty file (0 bytes), expected a .npy array`, d);
  for (let k = 0; k < MAGIC.length; k++) {
    if (bytes[k] !== MAGIC[k]) {
      const found = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new NpyFormatError(
        `${where}: not a .npy file: expected magic "\\x93NUMPY" at the start, found bytes ${found}`,
        {
          ...d,
          expected: '93 4e 55 4d 50 59',
          found,
        },
      );
    }
  }
  if (bytes.length < 10)
    throw new NpyFormatError(`${where}: truncated .npy header (${bytes.length} bytes)`, d);
  const major = bytes[6];
  const minor = bytes[7];
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12)
      throw new NpyFormatError(`${where}: truncated .npy header (${bytes.length} bytes)`, d);
    headerLen = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
    headerStart = 12;
  } else {
    throw new NpyFormatError(
      `${where}: unsupported .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`,
      {
        ...d,
        expected: '1.0, 2.0 or 3.0',
        found: `${major}.${minor}`,
      },
    );
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new NpyFormatError(
      `${where}: truncated .npy header: it declares ${headerLen} header bytes but the file has only ${bytes.length - headerStart} after the preamble`,
      d,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataStart);
  let headerText = '';
  if (major === 3) headerText = new TextDecoder('utf-8').decode(headerBytes);
  else for (let k = 0; k < headerBytes.length; k++) headerText += String.fromCharCode(headerBytes[k]);
  const header = parsePyLiteral(headerText, where);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new NpyFormatError(`${where}: .npy header is not a dict: ${headerText.trim()}`, d);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in header)) {
      throw new NpyFormatError(`${where}: .npy header lacks the key '${key}': ${headerText.trim()}`, {
        ...d,
        expected: key,
      });
    }
  }
  const dt = parseDescr(header.descr, where);
  const fortran = header.fortran_order;
  if (typeof fortran !== 'boolean') {
    throw new NpyFormatError(
      `${where}: .npy header 'fortran_order' must be True or False, found ${pyRepr(fortran)}`,
      d,
    );
  }
  const shapeV = header.shape;
  if (
    !Array.isArray(shapeV) ||
    !shapeV.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)
  ) {
    throw new NpyFormatError(
      `${where}: .npy header 'shape' must be a tuple of non-negative integers, found ${pyRepr(shapeV)}`,
      d,
    );
  }
  const shape = shapeV as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * dt.itemsize;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new NpyFormatError(
      `${where}: truncated .npy data: shape (${shape.join(', ')}) of ${dt.descr} needs ${need} bytes, the file has ${have}`,
      { ...d, expected: `${need} bytes`, found: `${have} bytes` },
    );
  }
  let data: NpyData;
  const absStart = bytes.byteOffset + dataStart;
  if (dt.kind === 'numeric' && opts.copy === false && absStart % dt.itemsize === 0) {
    data = NUMERIC[dt.code!].make(bytes.buffer as ArrayBuffer, count, absStart);
  } else if (dt.kind === 'numeric') {
    // Copy into a fresh, aligned buffer (the input may sit at any offset inside a zip).
    // (Never Uint8Array.prototype.slice: on a Node Buffer it returns a view, not a copy.)
    const raw = new Uint8Array(need);
    raw.set(bytes.subarray(dataStart, dataStart + need));
    data = NUMERIC[dt.code!].make(raw.buffer, count, 0);
  } else {
    const raw = new Uint8Array(need);
    raw.set(bytes.subarray(dataStart, dataStart + need));
    const strs: string[] = new Array(count);
    const n = dt.chars!;
    if (dt.kind === 'unicode') {
      const dv = new DataView(raw.buffer);
      for (let e = 0; e < count; e++) {
        let s = '';
        let end = n;
        while (end > 0 && dv.getUint32((e * n + end - 1) * 4, true) === 0) end--;
        for (let c = 0; c < end; c++) {
          const cp = dv.getUint32((e * n + c) * 4, true);
          if (cp > 0x10ffff)
            throw new NpyFormatError(`${where}: invalid code point ${cp} in ${dt.descr} string`, d);
          s += String.fromCodePoint(cp);
        }
        strs[e] = s;
      }
    } else {
      const dec = new TextDecoder('utf-8');
      for (let e = 0; e < count; e++) {
        let end = n;
        while (end > 0 && raw[e * n + end - 1] === 0) end--;
        strs[e] = dec.decode(raw.subarray(e * n, e * n + end));
      }
    }
    data = shape.length === 0 ? strs[0] : strs;
  }
  if (fortran && shape.length > 1) data = fortranToC(data as NpyNumericData | string[], shape);
  return { dtype: dt.descr, shape: [...shape], data };
}

/** Reorder elements stored in Fortran (column-major) order into C (row-major) order. */
function fortranToC<T extends NpyNumericData | string[]>(src: T, shape: number[]): T {
  const n = src.length;
  const out = (
    Array.isArray(src) ? new Array<string>(n) : new (src.constructor as new (n: number) => NpyNumericData)(n)
  ) as T;
  const nd = shape.length;
  const fstride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fstride[k] = s;
    s *= shape[k];
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    (out as unknown as unknown[])[c] = (src as unknown as unknown[])[f];
    // increment the C-order multi-index (last axis fastest), tracking the Fortran offset
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      f += fstride[k];
      if (idx[k] < shape[k]) break;
      f -= fstride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Serialise an array as `.npy` (format 1.0, or 2.0 when the header is too long), C order, 64-byte aligned. */
export function writeNpy(arr: NpyArray): Uint8Array {
  requireLittleEndianHost();
  const where = 'writeNpy';
  const count = arr.shape.reduce((a, b) => a * b, 1);
  let descr: string;
  let body: Uint8Array;
  if (typeof arr.data === 'string' || Array.isArray(arr.data)) {
    const strs = typeof arr.data === 'string' ? [arr.data] : arr.data;
    if (strs.length !== count)
      throw new NpyFormatError(`${where}: ${strs.length} strings for shape (${arr.shape.join(', ')})`);
    const m = /^[<|]?([US])(\d*)$/.exec(arr.dtype);
    if (!m) throw new UnsupportedDtypeError(`${where}: dtype '${arr.dtype}' does not fit string data`);
    if (m[1] === 'U') {
      const cps = strs.map((s) => Array.from(s, (ch) => ch.codePointAt(0)!));
      const need = Math.max(1, ...cps.map((c) => c.length));
      const n = m[2] ? Number(m[2]) : need;
      if (n < need)
        throw new NpyFormatError(`${where}: string of ${need} characters does not fit dtype '<U${n}'`);
      descr = `<U${n}`;
      body = new Uint8Array(count * n * 4);
      const dv = new DataView(body.buffer);
      cps.forEach((c, e) => c.forEach((cp, j) => dv.setUint32((e * n + j) * 4, cp, true)));
    } else {
      const enc = strs.map((s) => new TextEncoder().encode(s));
      const need = Math.max(1, ...enc.map((b) => b.length));
      const n = m[2] ? Number(m[2]) : need;
      if (n < need) throw new NpyFormatError(`${where}: string of ${need} bytes does not fit dtype '|S${n}'`);
      descr = `|S${n}`;
      body = new Uint8Array(count * n);
      enc.forEach((b, e) => body.set(b, e * n));
    }
  } else {
    const dt = parseDescr(arr.dtype, where);
    if (dt.kind !== 'numeric')
      throw new UnsupportedDtypeError(`${where}: dtype '${arr.dtype}' does not fit numeric data`);
    const expectedCtor = NUMERIC[dt.code!].make(new ArrayBuffer(0), 0, 0).constructor;
    if (arr.data.constructor !== expectedCtor) {
      throw new UnsupportedDtypeError(
        `${where}: dtype '${arr.dtype}' needs a ${expectedCtor.name}, got a ${arr.data.constructor.name}`,
      );
    }
    if (arr.data.length !== count) {
      throw new NpyFormatError(
        `${where}: ${arr.data.length} elements for shape (${arr.shape.join(', ')}) (${count} expected)`,
      );
    }
    descr = dt.descr;
    body = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  }
  const shapeStr = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  let version = 1;
  let pre = 10;
  if (header.length + 1 + pre > 0xffff) {
    version = 2;
    pre = 12;
  }
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const hl = header.length;
  out[8] = hl & 0xff;
  out[9] = (hl >>> 8) & 0xff;
  if (version === 2) {
    out[10] = (hl >>> 16) & 0xff;
    out[11] = (hl >>> 24) & 0xff;
  }
  for (let k = 0; k < hl; k++) out[pre + k] = header.charCodeAt(k);
  out.set(body, total);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Constructors and accessors

function shapeOr(shape: number[] | undefined, n: number): number[] {
  return shape ?? [n];
}

/** Convenience constructors for arrays to write. */
export const npy = {
  f8: (data: ArrayLike<number>, shape?: number[]): NpyArray => ({
    dtype: '<f8',
    shape: shapeOr(shape, data.length),
    data: Float64Array.from(data),
  }),
  f4: (data: ArrayLike<number>, shape?: number[]): NpyArray => ({
    dtype: '<f4',
    shape: shapeOr(shape, data.length),
    data: Float32Array.from(data),
  }),
  i8: (data: ArrayLike<number | bigint>, shape?: number[]): NpyArray => ({
    dtype: '<i8',
    shape: shapeOr(shape, data.length),
    data: BigInt64Array.from(Array.from(data, (v) => BigInt(v))),
  }),
  i4: (data: ArrayLike<number>, shape?: number[]): NpyArray => ({
    dtype: '<i4',
    shape: shapeOr(shape, data.length),
    data: Int32Array.from(data),
  }),
  u1: (data: ArrayLike<number>, shape?: number[]): NpyArray => ({
    dtype: '|u1',
    shape: shapeOr(shape, data.length),
    data: Uint8Array.from(data),
  }),
  bool: (v: boolean): NpyArray => ({ dtype: '|b1', shape: [], data: Uint8Array.of(v ? 1 : 0) }),
  /** 0-d float64 scalar. */
  scalar: (v: number): NpyArray => ({ dtype: '<f8', shape: [], data: Float64Array.of(v) }),
  /** 0-d unicode string, like numpy's `np.array('text')` (dtype <U…). */
  str: (s: string): NpyArray => ({ dtype: '<U', shape: [], data: s }),
  /** 0-d byte string, like numpy's `np.array(b'text')` (dtype |S…). */
  bytes: (s: string): NpyArray => ({ dtype: '|S', shape: [], data: s }),
};

export function isStringArray(a: NpyArray): boolean {
  return typeof a.data === 'string' || Array.isArray(a.data);
}

/** The text of a string scalar (or 1-element string array); throws if the array holds numbers. */
export function npyToString(a: NpyArray, name = 'array'): string {
  if (typeof a.data === 'string') return a.data;
  if (Array.isArray(a.data) && a.data.length === 1) return a.data[0];
  throw new NpyFormatError(
    `${name}: expected a string scalar, found dtype ${a.dtype} shape (${a.shape.join(', ')})`,
    {
      key: name,
    },
  );
}

/** Any numeric array as Float64Array (int64 values beyond 2^53 are rejected). */
export function npyToFloat64(a: NpyArray, name = 'array'): Float64Array {
  const d = a.data;
  if (typeof d === 'string' || Array.isArray(d)) {
    throw new UnsupportedDtypeError(`${name}: expected numbers, found string dtype ${a.dtype}`, {
      key: name,
      found: a.dtype,
    });
  }
  if (d instanceof Float64Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = Number(d[i]);
      if (!Number.isSafeInteger(v))
        throw new UnsupportedDtypeError(`${name}: int64 value ${d[i]} at element ${i} exceeds 2^53`, {
          key: name,
        });
      out[i] = v;
    }
    return out;
  }
  return Float64Array.from(d as ArrayLike<number>);
}

/** Integer array as Int32Array; rejects floats with a fractional part and out-of-range values. */
export function npyToInt32(a: NpyArray, name = 'array'): Int32Array {
  const f = npyToFloat64(a, name);
  const out = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isInteger(f[i]) || f[i] < -(2 ** 31) || f[i] >= 2 ** 31) {
      throw new UnsupportedDtypeError(`${name}: element ${i} = ${f[i]} is not a 32-bit integer`, {
        key: name,
        found: String(f[i]),
      });
    }
    out[i] = f[i];
  }
  return out;
}

/** Value of a numeric 0-d (or 1-element) array. */
export function npyToNumber(a: NpyArray, name = 'array'): number {
  const f = npyToFloat64(a, name);
  if (f.length !== 1)
    throw new NpyFormatError(`${name}: expected a scalar, found shape (${a.shape.join(', ')})`, {
      key: name,
    });
  return f[0];
}

/** Raw bytes of the array's data as stored (numeric arrays only). */
export function npyBytes(a: NpyArray): Uint8Array {
  const d = a.data;
  if (typeof d === 'string' || Array.isArray(d))
    throw new UnsupportedDtypeError(`npyBytes: string array (${a.dtype})`);
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
