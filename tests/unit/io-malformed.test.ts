/**
 * Malformed inputs: each must raise a specific DatasetFormatError subclass with a precise message
 * (asserted on its text), never crash with a TypeError/RangeError, and never hang.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { readNpz, writeNpz } from '../../src/data/io/npz.ts';
import { npy, writeNpy, type NpyArray } from '../../src/data/io/npy.ts';
import { datasetToArrays, readSgdmlNpz } from '../../src/data/io/sgdml-dataset.ts';
import { writeXyz } from '../../src/data/io/extxyz.ts';
import { parseEnergyUnit } from '../../src/chem/units.ts';
import {
  AtomOrderError,
  DatasetFormatError,
  DatasetShapeError,
  EmptyFileError,
  MissingFieldError,
  NonFiniteValueError,
  NpyFormatError,
  UnitSanityError,
  UnknownUnitError,
  UnsupportedDtypeError,
  XyzParseError,
  ZipFormatError,
  ZipSizeLimitError,
} from '../../src/data/io/errors.ts';
import { zipSync } from 'fflate';

function water(M = 4): Dataset {
  // O–H 0.96 Å, H–O–H 104.5°, tiny per-frame displacement
  const base = [0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692];
  const R = new Float64Array(M * 9).map((_, k) => base[k % 9] + 0.001 * Math.sin(k));
  return {
    name: 'water',
    theory: 'test',
    z: Int32Array.of(8, 1, 1),
    nAtoms: 3,
    nFrames: M,
    R,
    E: new Float64Array(M).map((_, m) => -47900 + m),
    F: new Float64Array(M * 9).map((_, k) => Math.cos(k)),
  };
}

const npzOf = (arrays: Record<string, NpyArray>, compress = true) => writeNpz(arrays, { compress });
const waterArrays = (M = 4) => datasetToArrays(water(M));
const xyzText = (M = 3) => writeXyz(water(M), { energyUnit: 'eV' });
const enc = (s: string) => new TextEncoder().encode(s);

/** Run fn, return the error it throws (fails the test if it does not throw). */
function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

type Case = [name: string, run: () => unknown, cls: new (...a: never[]) => Error, message: RegExp];

const cases: Case[] = [
  [
    'truncated zip (npz cut in half)',
    () => {
      const b = npzOf(waterArrays());
      return readDatasetFile('w.npz', b.subarray(0, b.length >> 1));
    },
    ZipFormatError,
    /w\.npz: no zip end-of-central-directory record found; the file is truncated or not a zip/,
  ],
  [
    'zip whose central directory points past the end',
    () => {
      const b = npzOf(waterArrays()).slice();
      // EOCD is the last 22 bytes; bump the central-directory offset
      const e = b.length - 22;
      new DataView(b.buffer).setUint32(e + 16, b.length + 1000, true);
      return readDatasetFile('w.npz', b);
    },
    ZipFormatError,
    /central directory \(\d+ bytes at offset \d+\) lies beyond the end of the file/,
  ],
  [
    'corrupt deflate stream in a member',
    () => {
      const b = npzOf({ R: npy.f8(new Float64Array(5000).map((_, i) => Math.sin(i))) }).slice();
      for (let i = 200; i < 260; i++) b[i] ^= 0x5a;
      return readNpz(b, { source: 'c.npz' });
    },
    ZipFormatError,
    /c\.npz: member 'R\.npy' (does not inflate|fails its CRC-32 check|inflates to)/,
  ],
  [
    'stored member with a flipped byte (CRC mismatch)',
    () => {
      const b = npzOf({ R: npy.f8([1, 2, 3, 4]) }, false).slice();
      b[30 + 'R.npy'.length + 130] ^= 1; // inside the data of the first (and only) member
      return readNpz(b, { source: 's.npz' });
    },
    ZipFormatError,
    /s\.npz: member 'R\.npy' fails its CRC-32 check/,
  ],
  [
    'not a zip at all',
    () => readDatasetFile('x.npz', enc('hello, this is text')),
    ZipFormatError,
    /x\.npz: not an \.npz \(zip\) archive: it does not start with the zip signature/,
  ],
  [
    'empty npz file',
    () => readDatasetFile('e.npz', new Uint8Array(0)),
    EmptyFileError,
    /e\.npz: the file is empty \(0 bytes\)/,
  ],
  [
    'empty xyz file',
    () => readDatasetFile('e.xyz', enc('\n\n  \n')),
    EmptyFileError,
    /e\.xyz: the file is empty; expected XYZ frames/,
  ],
  [
    'bad npy magic inside an npz',
    () => readNpz(zipSync({ 'R.npy': enc('NUMPY but not really') }), { source: 'm.npz' }),
    NpyFormatError,
    /m\.npz: R\.npy: not a \.npy file: expected magic "\\x93NUMPY"/,
  ],
  [
    'bad npy header inside an npz',
    () => {
      const b = writeNpy(npy.f8([1, 2]));
      b.set(enc("{'descr' '<f8'"), 10);
      return readNpz(zipSync({ 'R.npy': b }), { source: 'h.npz' });
    },
    NpyFormatError,
    /h\.npz: R\.npy: malformed header \(expected ':'/,
  ],
  [
    'wrong dtype: R stored as strings',
    () =>
      readSgdmlNpz(
        npzOf({ ...waterArrays(), R: { dtype: '<U', shape: [4, 3, 3], data: Array(36).fill('x') } }),
        { source: 's.npz' },
      ),
    UnsupportedDtypeError,
    /R: expected numbers, found string dtype <U1/,
  ],
  [
    'wrong dtype: complex R',
    () => {
      const b = writeNpy(npy.f8([1, 2]));
      b.set(enc("{'descr': '<c8', "), 10);
      const zipped = zipSync({
        ...Object.fromEntries(Object.entries(waterArrays()).map(([k, a]) => [`${k}.npy`, writeNpy(a)])),
        'R.npy': b,
      });
      return readDatasetFile('c.npz', zipped);
    },
    UnsupportedDtypeError,
    /c\.npz: R\.npy: dtype '<c8' is not supported; supported: <f8 <f4/,
  ],
  [
    'R missing',
    () => {
      const arrays = waterArrays();
      delete arrays.R;
      return readDatasetFile('c.npz', npzOf(arrays));
    },
    MissingFieldError,
    /c\.npz: no 'R' array; an sGDML dataset needs R \(M, N, 3\) and z \(N,\)/,
  ],
  [
    'big-endian member',
    () => {
      const b = writeNpy(npy.f8(new Float64Array(36), [4, 3, 3]));
      b.set(enc("{'descr': '>f8'"), 10);
      const zipped = zipSync({
        ...Object.fromEntries(Object.entries(waterArrays()).map(([k, a]) => [`${k}.npy`, writeNpy(a)])),
        'F.npy': b,
      });
      return readDatasetFile('b.npz', zipped);
    },
    UnsupportedDtypeError,
    /b\.npz: F\.npy: big-endian dtype '>f8' is not supported/,
  ],
  [
    'shape mismatch R vs F',
    () =>
      readDatasetFile(
        's.npz',
        npzOf({ ...waterArrays(4), F: npy.f8(new Float64Array(3 * 3 * 3), [3, 3, 3]) }),
      ),
    DatasetShapeError,
    /s\.npz: F has shape \(3, 3, 3\) but R has shape \(4, 3, 3\); expected F \(4, 3, 3\)/,
  ],
  [
    'E length mismatch',
    () => readDatasetFile('s.npz', npzOf({ ...waterArrays(4), E: npy.f8([1, 2, 3]) })),
    DatasetShapeError,
    /s\.npz: E has shape \(3,\) but R has 4 frames; expected \(4,\) or \(4, 1\)/,
  ],
  [
    'z length mismatch',
    () => readDatasetFile('s.npz', npzOf({ ...waterArrays(4), z: npy.i8([8, 1]) })),
    DatasetShapeError,
    /s\.npz: z has shape \(2,\) but R has 3 atoms per frame; expected \(3,\)/,
  ],
  [
    'R not (M, N, 3)',
    () => readDatasetFile('s.npz', npzOf({ ...waterArrays(4), R: npy.f8(new Float64Array(36), [4, 9]) })),
    DatasetShapeError,
    /s\.npz: R has shape \(4, 9\); expected \(M, N, 3\)/,
  ],
  [
    'NaN in R',
    () => {
      const d = water(4);
      d.R[2 * 9 + 1 * 3 + 1] = NaN; // frame 3, atom 2, y
      return readDatasetFile('n.npz', npzOf(datasetToArrays(d)));
    },
    NonFiniteValueError,
    /n\.npz: R is NaN at frame 3, atom 2 \(H\), component y/,
  ],
  [
    'Inf in F (extxyz text)',
    () => readDatasetFile('i.extxyz', xyzText(3).replace(/^(H\s+\S+\s+\S+\s+\S+\s+)\S+/m, '$1inf')),
    NonFiniteValueError,
    /i\.extxyz: F is \+Inf at frame 1, atom 2 \(H\), component x/,
  ],
  [
    'NaN energy',
    () => {
      const d = water(4);
      d.E![1] = NaN;
      return readDatasetFile('n.npz', npzOf(datasetToArrays(d)));
    },
    NonFiniteValueError,
    /n\.npz: E is NaN at frame 2/,
  ],
  [
    'positions in Bohr read as Å',
    () => {
      const d = water(3);
      d.R = d.R.map((x) => x / 0.529177210903);
      return readDatasetFile('b.npz', npzOf(datasetToArrays(d)));
    },
    UnitSanityError,
    /b\.npz: the shortest bond in frame 1 is O1–H2 = 1\.81\d "Å", but a O–H bond is ≈ 0\.97 Å; .* look like Bohr: read the file with lengthUnit 'Bohr'/,
  ],
  [
    'atom order changes between frames',
    () => {
      const t = xyzText(3).split('\n');
      // frame 2 starts at line 6 (index 5); swap its first two atom rows
      [t[7], t[8]] = [t[8], t[7]];
      return readDatasetFile('o.extxyz', t.join('\n'));
    },
    AtomOrderError,
    /o\.extxyz: line 8: frame 2, atom 1 is H but atom 1 of frame 1 is O; every frame must list the atoms in the same order/,
  ],
  [
    'atom count changes between frames',
    () =>
      readDatasetFile(
        'c.xyz',
        '3\n-1.0\nO 0 0 0.117\nH 0 0.757 -0.469\nH 0 -0.757 -0.469\n2\n-2.0\nO 0 0 0.117\nH 0 0.757 -0.469\n',
      ),
    AtomOrderError,
    /c\.xyz: line 6: frame 2 has 2 atoms but frame 1 has 3/,
  ],
  [
    'non-numeric field',
    () => readDatasetFile('n.xyz', '3\n-1.0\nO 0 0 0.117\nH 0 abc -0.469\nH 0 -0.757 -0.469\n'),
    XyzParseError,
    /n\.xyz: line 4, column 3: frame 1, atom 2: expected a number for pos \(y\), found 'abc'/,
  ],
  [
    'non-numeric energy in the comment line',
    () => readDatasetFile('n.extxyz', xyzText(2).replace(/REF_energy=\S+/, 'REF_energy=lots')),
    XyzParseError,
    /n\.extxyz: line 2: REF_energy of frame 1 is 'lots', not a number/,
  ],
  [
    'missing Properties pos column',
    () => readDatasetFile('p.extxyz', xyzText(2).replace(/species:S:1:pos:R:3:/g, 'species:S:1:where:R:3:')),
    MissingFieldError,
    /p\.extxyz: line 2: Properties 'species:S:1:where:R:3:REF_forces:R:3' has no pos column \(positions\)/,
  ],
  [
    'malformed Properties',
    () => readDatasetFile('p.extxyz', xyzText(2).replace(/Properties=\S+/g, 'Properties=species:S:1:pos:R')),
    XyzParseError,
    /p\.extxyz: line 2: Properties 'species:S:1:pos:R' is not a list of name:type:count triples/,
  ],
  [
    'wrong atom count line (not a number)',
    () => readDatasetFile('a.xyz', 'three\n-1.0\nO 0 0 0\n'),
    XyzParseError,
    /a\.xyz: line 1: expected the atom count of frame 1 \(a positive integer\), found 'three'/,
  ],
  [
    'atom count smaller than the rows present',
    () => readDatasetFile('a.xyz', '2\n-1.0\nO 0 0 0.117\nH 0 0.757 -0.469\nH 0 -0.757 -0.469\n'),
    XyzParseError,
    /a\.xyz: line 5: expected the atom count of frame 2 \(a positive integer\), found 'H 0 -0\.757 -0\.469'; this looks like an atom row, so the atom count of frame 1 \(2\) is probably too small/,
  ],
  [
    'atom count larger than the rows present',
    () =>
      readDatasetFile(
        'a.xyz',
        '3\n-1.0\nO 0 0 0.117\nH 0 0.757 -0.469\nH 0 -0.757 -0.469\n3\n-1.0\nO 0 0 0.117\nH 0 0.757 -0.469\n',
      ),
    XyzParseError,
    /a\.xyz: line 6: frame 2 declares 3 atoms but the file ends after 2 atom rows/,
  ],
  [
    'wrong number of columns in a row',
    () => readDatasetFile('w.extxyz', xyzText(2).replace(/^(O\s+\S+\s+\S+\s+\S+)\s+\S+\s+\S+\s+\S+/m, '$1')),
    XyzParseError,
    /w\.extxyz: line 3: frame 1, atom 1: expected 7 columns \(species:S:1 pos:R:3 REF_forces:R:3\), found 4/,
  ],
  [
    'unknown element',
    () => readDatasetFile('u.xyz', '3\n-1.0\nO 0 0 0.117\nQq 0 0.757 -0.469\nH 0 -0.757 -0.469\n'),
    XyzParseError,
    /u\.xyz: line 4: frame 1, atom 2: unknown element 'Qq'/,
  ],
  [
    'energy key missing in a later frame',
    () => readDatasetFile('k.extxyz', xyzText(3).replace(/(\n3\n[^\n]*?)REF_energy=\S+ /, '$1')),
    MissingFieldError,
    /k\.extxyz: line 7: frame 2 has no 'REF_energy' key, but frame 1 has/,
  ],
  [
    'requested energy key does not exist',
    () => readDatasetFile('k.extxyz', xyzText(2), { energyKey: 'MACE_energy' }),
    MissingFieldError,
    /k\.extxyz: line 2: no energy key 'MACE_energy'; available: REF_energy/,
  ],
  [
    'several energy keys and none is the reference',
    () => readDatasetFile('k.extxyz', xyzText(2).replace(/REF_energy=(\S+)/g, 'A_energy=$1 B_energy=$1')),
    DatasetFormatError,
    /k\.extxyz: line 2: several energy keys \(A_energy, B_energy\) and none is the reference; choose one/,
  ],
  [
    'unterminated quote in the comment line',
    () => {
      const t = xyzText(2);
      const i = t.lastIndexOf('pbc="F F F"');
      return readDatasetFile('q.extxyz', t.slice(0, i) + 'pbc="F F F' + t.slice(i + 11));
    },
    XyzParseError,
    /q\.extxyz: line 7: unterminated "-quoted value in the comment line/,
  ],
  [
    'plain and extended frames mixed',
    () =>
      readDatasetFile('m.xyz', xyzText(1) + '3\n-1.0\nO 0 0 0.117\nH 0 0.757 -0.469\nH 0 -0.757 -0.469\n'),
    XyzParseError,
    /m\.xyz: line 7: frame 2 has a plain comment line but frame 1 has an extended one/,
  ],
  [
    'a single .npy given as a dataset',
    () => readDatasetFile('R.npy', writeNpy(npy.f8([1, 2, 3]))),
    DatasetFormatError,
    /R\.npy: a single \.npy array is not a dataset/,
  ],
  [
    'unknown energy unit',
    () => parseEnergyUnit('furlongs'),
    UnknownUnitError,
    /unknown energy unit 'furlongs'; expected one of eV, kcal\/mol, Hartree/,
  ],
  [
    'an sGDML model instead of a dataset',
    () => readDatasetFile('m.npz', npzOf({ type: npy.str('m'), z: npy.i8([8, 1, 1]) })),
    DatasetFormatError,
    /m\.npz: this is an sGDML model file \(type 'm'\), not a dataset \(type 'd'\)/,
  ],
  [
    'zip members declare an inflated size beyond the limit (checked before inflating)',
    () => {
      // 8 MB of zeros deflates to a few kB; a 1 MB limit must refuse it from the directory alone
      const b = npzOf({ R: npy.f8(new Float64Array(1 << 20)) });
      expect(b.length).toBeLessThan(64 * 1024);
      return readNpz(b, { source: 'bomb.npz', maxInflatedBytes: 1 << 20 });
    },
    ZipSizeLimitError,
    /bomb\.npz: member 'R\.npy' declares 8388736 inflated bytes .* beyond the limit of 1\.05 MB; refusing to inflate \(zip bomb guard/,
  ],
  [
    'member inflates beyond the size its directory declares (lying zip bomb)',
    () => {
      const b = npzOf({ R: npy.f8(new Float64Array(1 << 20)) }).slice();
      const dv = new DataView(b.buffer);
      const cd = dv.getUint32(b.length - 22 + 16, true);
      dv.setUint32(cd + 24, 1000, true); // central directory: uncompressed size 1000
      dv.setUint32(18 + 4, 1000, true); // local header too
      return readNpz(b, { source: 'lie.npz' });
    },
    ZipFormatError,
    /lie\.npz: member 'R\.npy' fails its CRC-32 check .*or it inflates to more than its declared size/,
  ],
  [
    'zip whose directory claims 4 GB (default 2 GiB limit), nothing is allocated',
    () => {
      const b = npzOf({ R: npy.f8([1, 2, 3]) }).slice();
      const dv = new DataView(b.buffer);
      const cd = dv.getUint32(b.length - 22 + 16, true);
      dv.setUint32(cd + 24, 0xfffffff0, true); // uncompressed size in the central directory entry
      return readDatasetFile('big.npz', b);
    },
    ZipSizeLimitError,
    /big\.npz: member 'R\.npy' declares 4294967280 inflated bytes .* beyond the limit of 2\.15 GB/,
  ],
];

describe('malformed inputs give specific errors', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  for (const [name, run, cls, message] of cases) {
    it(name, () => {
      const err = errorOf(run);
      expect(err, `${err.name}: ${err.message}`).toBeInstanceOf(cls);
      expect(err).toBeInstanceOf(DatasetFormatError);
      expect(err.message).toMatch(message);
      expect((err as DatasetFormatError).detail).toBeTypeOf('object');
    });
  }

  it('reports where: frame/atom/line in .detail', () => {
    const d = water(4);
    d.F![3 * 9 + 2 * 3 + 2] = -Infinity;
    const e = errorOf(() => readDatasetFile('d.npz', npzOf(datasetToArrays(d)))) as DatasetFormatError;
    expect(e.detail).toMatchObject({ key: 'F', frame: 4, atom: 3, found: '-Inf' });
    const x = errorOf(() =>
      readDatasetFile('n.xyz', '3\n-1.0\nO 0 0 0.117\nH 0 abc -0.469\nH 0 -0.757 -0.469\n'),
    ) as DatasetFormatError;
    expect(x.detail).toMatchObject({ line: 4, frame: 1, atom: 2, found: 'abc' });
  });
});

describe('fuzzing: truncations and byte flips never crash with anything but a DatasetFormatError', () => {
  let seed = 99;
  const rnd = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const check = (name: string, bytes: Uint8Array) => {
    try {
      readDatasetFile(name, bytes);
    } catch (e) {
      if (!(e instanceof DatasetFormatError))
        throw new Error(`${name}: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
    }
  };
  it('npz (compressed and stored)', () => {
    for (const compress of [true, false]) {
      const good = npzOf(waterArrays(6), compress);
      for (let t = 0; t < 150; t++) {
        const b = good.slice();
        if (t % 3 === 0) check('f.npz', b.subarray(0, rnd(b.length)));
        else {
          for (let k = 0; k < 1 + rnd(4); k++) b[rnd(b.length)] = rnd(256);
          check('f.npz', b);
        }
      }
    }
  });
  it('extxyz and plain xyz text', () => {
    for (const plain of [false, true]) {
      const good = enc(writeXyz(water(4), { plain }));
      for (let t = 0; t < 150; t++) {
        const b = good.slice();
        if (t % 3 === 0) check('f.xyz', b.subarray(0, rnd(b.length)));
        else {
          for (let k = 0; k < 1 + rnd(4); k++) b[rnd(b.length)] = 32 + rnd(95);
          check('f.xyz', b);
        }
      }
    }
  });
});
