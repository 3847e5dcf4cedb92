import { describe, expect, it } from 'vitest';
import {
  npy,
  npyToFloat64,
  npyToInt32,
  npyToString,
  parseNpy,
  writeNpy,
  type NpyArray,
} from '../../src/data/io/npy.ts';
import { NpyFormatError, PickledArrayError, UnsupportedDtypeError } from '../../src/data/io/errors.ts';

/** Build a .npy by hand: magic, version, header padded to 64 bytes, then the data bytes. */
function rawNpy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  const h = new TextEncoder().encode(header.padEnd(total - pre - 1, ' ') + '\n');
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('npy', () => {
  it('round-trips every supported dtype through writeNpy/parseNpy', () => {
    const cases: NpyArray[] = [
      npy.f8([1.5, -2.25, Math.PI, 1e-300, -0], [5]),
      npy.f4([1.5, -2.25, 3.5], [3, 1]),
      npy.i8([1, -2, 2 ** 40], [3]),
      npy.i4([1, -2, 2 ** 30], [1, 3]),
      npy.u1([6, 6, 8, 1]),
      { dtype: '<i2', shape: [2], data: Int16Array.of(-3, 300) },
      { dtype: '|i1', shape: [2], data: Int8Array.of(-3, 100) },
      npy.bool(true),
      npy.scalar(-22918.311177878946),
      npy.str('kcal/mol'),
      npy.bytes('4990100f73766b5f066a030397b3f0a0'),
      { dtype: '<U', shape: [3], data: ['a', 'ångström', '😀x'] },
    ];
    for (const a of cases) {
      const back = parseNpy(writeNpy(a));
      expect(back.shape).toEqual(a.shape);
      expect(back.data).toEqual(a.data);
    }
    expect(parseNpy(writeNpy(npy.str('kcal/mol'))).dtype).toBe('<U8');
    expect(parseNpy(writeNpy(npy.bytes('abc'))).dtype).toBe('|S3');
  });

  it('writes a 64-byte aligned version-1 header in numpy layout', () => {
    const b = writeNpy(npy.f8([1, 2, 3]));
    expect(Array.from(b.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hl = b[8] | (b[9] << 8);
    expect((10 + hl) % 64).toBe(0);
    const header = new TextDecoder().decode(b.subarray(10, 10 + hl));
    expect(header.trimEnd()).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
    expect(b.length).toBe(10 + hl + 24);
  });

  it('reads multi-digit <U and |S dtypes from hand-made bytes (UTF-32LE, NUL padded)', () => {
    const s = 'GFN1-xTB (xtb 6.5.1)';
    const u = new Uint8Array(32 * 4);
    Array.from(s).forEach((c, i) => new DataView(u.buffer).setUint32(i * 4, c.codePointAt(0)!, true));
    const a = parseNpy(rawNpy("{'descr': '<U32', 'fortran_order': False, 'shape': (), }", u));
    expect(a).toEqual({ dtype: '<U32', shape: [], data: s });
    const sb = new Uint8Array(32);
    sb.set(new TextEncoder().encode('abc'));
    expect(
      npyToString(parseNpy(rawNpy("{'descr': '|S32', 'fortran_order': False, 'shape': (), }", sb))),
    ).toBe('abc');
  });

  it('reads format versions 2.0 and 3.0 (utf-8 header)', () => {
    const d = Float64Array.of(1, 2);
    for (const v of [2, 3]) {
      const a = parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", bytesOf(d), v));
      expect(Array.from(a.data as Float64Array)).toEqual([1, 2]);
    }
  });

  it('transposes Fortran-ordered arrays into C order', () => {
    // A (2, 3, 4) array a[i,j,k] = 100i + 10j + k stored column-major (first index fastest).
    const f = new Float64Array(24);
    let p = 0;
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) f[p++] = 100 * i + 10 * j + k;
    const a = parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }", bytesOf(f)));
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
    expect(Array.from(a.data as Float64Array)).toEqual(expected);
    expect(a.shape).toEqual([2, 3, 4]);
  });

  it('reads data that sits at an odd offset inside a larger buffer', () => {
    const b = writeNpy(npy.f8([1.25, 2.5]));
    const big = new Uint8Array(b.length + 3);
    big.set(b, 3);
    expect(Array.from(parseNpy(big.subarray(3)).data as Float64Array)).toEqual([1.25, 2.5]);
  });

  it('copies by default, returns an aligned view with copy: false', () => {
    const b = writeNpy(npy.f8([1.25, 2.5]));
    const copied = parseNpy(b).data as Float64Array;
    expect(copied.buffer).not.toBe(b.buffer);
    const view = parseNpy(b, { copy: false }).data as Float64Array;
    expect(view.buffer).toBe(b.buffer);
    expect(Array.from(view)).toEqual([1.25, 2.5]);
  });

  it('accessors convert int64 / uint8 to numbers and reject what does not fit', () => {
    expect(Array.from(npyToInt32(npy.i8([6, 1, 8])))).toEqual([6, 1, 8]);
    expect(Array.from(npyToFloat64(npy.u1([6, 1])))).toEqual([6, 1]);
    expect(() => npyToInt32(npy.f8([1.5]), 'z')).toThrow(/z: element 0 = 1.5 is not a 32-bit integer/);
    expect(() => npyToFloat64(npy.i8([2n ** 60n]), 'idx')).toThrow(/exceeds 2\^53/);
    expect(() => npyToFloat64(npy.str('x'), 'R')).toThrow(/R: expected numbers, found string dtype/);
  });

  it('rejects malformed input with precise messages', () => {
    const d8 = bytesOf(Float64Array.of(1, 2));
    const cases: [Uint8Array, typeof NpyFormatError, RegExp][] = [
      [new Uint8Array(0), NpyFormatError, /empty file \(0 bytes\)/],
      [
        new TextEncoder().encode('PK\x03\x04 not npy'),
        NpyFormatError,
        /not a \.npy file: expected magic "\\x93NUMPY".*found bytes 50 4b 03 04/,
      ],
      [
        rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", d8).subarray(0, 9),
        NpyFormatError,
        /truncated \.npy header/,
      ],
      [
        (() => {
          const b = rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", d8);
          b[6] = 4;
          return b;
        })(),
        NpyFormatError,
        /unsupported \.npy format version 4\.0; expected 1\.0, 2\.0 or 3\.0/,
      ],
      [
        rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,, }", d8),
        NpyFormatError,
        /malformed header/,
      ],
      [rawNpy("{'descr': '<f8', 'fortran_order': False, }", d8), NpyFormatError, /lacks the key 'shape'/],
      [
        rawNpy("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }", d8),
        NpyFormatError,
        /'fortran_order' must be True or False/,
      ],
      [
        rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", d8),
        NpyFormatError,
        /'shape' must be a tuple of non-negative integers/,
      ],
      [
        rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", d8),
        NpyFormatError,
        /truncated \.npy data: shape \(3\) of <f8 needs 24 bytes, the file has 16/,
      ],
      [
        rawNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", d8),
        UnsupportedDtypeError,
        /big-endian dtype '>f8' is not supported; re-save it little-endian/,
      ],
      [
        rawNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", d8),
        UnsupportedDtypeError,
        /dtype '<c16' is not supported; supported: <f8/,
      ],
      [
        rawNpy("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (2,), }", d8),
        UnsupportedDtypeError,
        /structured \(record\) dtype/,
      ],
      [
        rawNpy("{'descr': '|O', 'fortran_order': False, 'shape': (), }", d8),
        PickledArrayError,
        /dtype '\|O' holds pickled Python objects/,
      ],
    ];
    for (const [bytes, cls, re] of cases) {
      let err: unknown;
      try {
        parseNpy(bytes, { source: 'x.npy' });
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message.startsWith('x.npy: ')).toBe(true);
    }
  });
});
