import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '../../src/data/dataset.ts';
import { readDatasetFile, writeDataset } from '../../src/data/io/index.ts';
import { readXyz, writeXyz } from '../../src/data/io/extxyz.ts';
import { readNpz, writeNpz } from '../../src/data/io/npz.ts';
import { datasetMd5, readSgdmlNpz, writeSgdmlNpz } from '../../src/data/io/sgdml-dataset.ts';
import { BOHR_TO_ANG, EV_TO_KCALMOL, HARTREE_TO_KCALMOL } from '../../src/chem/units.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../../../shared/fixtures');

/** Methane frames with C–H ≈ 1.09 Å, seeded noise, awkward float64 values. */
function methane(M = 5, seed = 7): Dataset {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const base = [
    0, 0, 0, 0.629, 0.629, 0.629, -0.629, -0.629, 0.629, -0.629, 0.629, -0.629, 0.629, -0.629, -0.629,
  ];
  const N = 5;
  const R = new Float64Array(M * N * 3).map((_, k) => base[k % 15] + 0.01 * rnd());
  const F = new Float64Array(M * N * 3).map(() => 30 * rnd() + 1e-17 * rnd());
  const E = new Float64Array(M).map(() => -25300 + Math.PI * rnd());
  return {
    name: 'methane "test"',
    theory: 'made up \\ for tests',
    z: Int32Array.of(6, 1, 1, 1, 1),
    nAtoms: N,
    nFrames: M,
    R,
    E,
    F,
    frameProps: { dihedral_phi: new Float64Array(M).map(() => 180 * rnd()) },
  };
}

const sameBits = (a: Float64Array | null | undefined, b: Float64Array | null | undefined) =>
  !!a && !!b && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

describe('round trips', () => {
  it('npz → extxyz → npz is bit-exact for float64 (ethanol fixture) and gives an identical file', () => {
    const npz = new Uint8Array(readFileSync(path.join(FIX, 'sgdml-npz-ethanol/ethanol.npz')));
    const a = readDatasetFile('ethanol.npz', npz).dataset;
    const written = writeSgdmlNpz(a);
    const xyz = writeDataset(a, 'extxyz');
    const b = readDatasetFile('ethanol.extxyz', xyz).dataset;
    expect(b.nFrames).toBe(2000);
    expect(sameBits(a.R, b.R)).toBe(true);
    expect(sameBits(a.E, b.E)).toBe(true);
    expect(sameBits(a.F, b.F)).toBe(true);
    expect(Array.from(b.z)).toEqual(Array.from(a.z));
    expect(b.name).toBe(a.name);
    const rewritten = writeSgdmlNpz(b);
    expect(Buffer.from(rewritten).equals(Buffer.from(written))).toBe(true);
    expect(readSgdmlNpz(rewritten).dataset.md5).toBe(datasetMd5(a));
  });

  it('synthetic dataset: npz, extxyz and plain xyz keep every bit, names with quotes and per-frame keys', () => {
    const d = methane(7);
    const viaNpz = readSgdmlNpz(writeSgdmlNpz(d)).dataset;
    const viaExt = readXyz(writeXyz(d)).dataset;
    const viaPlain = readXyz(writeXyz(d, { plain: true })).dataset;
    for (const x of [viaNpz, viaExt, viaPlain]) {
      expect(sameBits(x.R, d.R)).toBe(true);
      expect(sameBits(x.E, d.E)).toBe(true);
      expect(sameBits(x.F, d.F)).toBe(true);
    }
    expect(sameBits(viaNpz.frameProps?.dihedral_phi, d.frameProps!.dihedral_phi)).toBe(true);
    expect(sameBits(viaExt.frameProps?.dihedral_phi, d.frameProps!.dihedral_phi)).toBe(true);
    expect(viaExt.name).toBe(d.name);
    expect(viaExt.theory).toBe(d.theory);
    expect(viaNpz.theory).toBe(d.theory);
  });

  it('writes model columns as <MODEL>_energy / <MODEL>_forces; the reader picks REF_ and says so', () => {
    const d = methane(3);
    const pred = { name: 'SGDML', E: d.E!.map((e) => e + 0.5), F: d.F!.map((f) => f * 0.9) };
    const text = writeXyz(d, { models: [pred] });
    const line2 = text.split('\n')[1];
    expect(line2).toMatch(
      /^Properties=species:S:1:pos:R:3:REF_forces:R:3:SGDML_forces:R:3 REF_energy=\S+ SGDML_energy=\S+ dihedral_phi=/,
    );
    const r = readXyz(text);
    expect(sameBits(r.dataset.E, d.E)).toBe(true);
    expect(sameBits(r.dataset.F, d.F)).toBe(true);
    expect(r.warnings.join('\n')).toMatch(
      /several energy keys \(REF_energy, SGDML_energy\); using 'REF_energy'/,
    );
    const m = readXyz(text, { energyKey: 'SGDML_energy', forcesKey: 'SGDML_forces' }).dataset;
    expect(sameBits(m.E, pred.E)).toBe(true);
    expect(sameBits(m.F, pred.F)).toBe(true);
  });

  it('converts units at the edges: eV, Hartree, Bohr, gradients', () => {
    const d = methane(2);
    const ev = writeXyz(d, { energyUnit: 'eV' });
    expect(ev).toMatch(/e_unit=eV/);
    const back = readXyz(ev).dataset; // honours the file's e_unit key
    back.E!.forEach((e, i) => expect(e).toBeCloseTo(d.E![i], 9));
    // A file in Hartree and Bohr with gradients instead of forces, as quantum-chemistry codes print them.
    const lines = ['5', '-40.5'];
    const R = [0, 0, 0, 1.19, 1.19, 1.19, -1.19, -1.19, 1.19, -1.19, 1.19, -1.19, 1.19, -1.19, -1.19];
    const G = [0.01, 0, 0, -0.01, 0, 0, 0, 0.02, 0, 0, -0.02, 0, 0, 0, 0.005];
    ['C', 'H', 'H', 'H', 'H'].forEach((el, i) =>
      lines.push(`${el} ${R.slice(3 * i, 3 * i + 3).join(' ')} ${G.slice(3 * i, 3 * i + 3).join(' ')}`),
    );
    const text = lines.join('\n');
    const h = readXyz(text, { energyUnit: 'Hartree', lengthUnit: 'Bohr', forcesAreGradients: true }).dataset;
    expect(h.E![0]).toBeCloseTo(-40.5 * HARTREE_TO_KCALMOL, 9);
    expect(h.R[3]).toBeCloseTo(1.19 * BOHR_TO_ANG, 12);
    expect(h.F![0]).toBeCloseTo((-0.01 * HARTREE_TO_KCALMOL) / BOHR_TO_ANG, 9);
    // the same file read as Å trips the Bohr check
    expect(() => readXyz(text, { energyUnit: 'Hartree' })).toThrow(/look like Bohr/);
    expect(EV_TO_KCALMOL).toBeGreaterThan(23);
  });

  it('float32 storage of R and F: values are the float32 roundings, E stays float64, md5 follows the dtypes', () => {
    const d = methane(4);
    const bytes = writeSgdmlNpz(d, { float32: true });
    const { arrays } = readNpz(bytes);
    expect(arrays.R.dtype).toBe('<f4');
    expect(arrays.F.dtype).toBe('<f4');
    expect(arrays.E.dtype).toBe('<f8');
    expect(arrays.z.dtype).toBe('<i8');
    const r = readSgdmlNpz(bytes).dataset;
    expect(r.R.every((x, i) => x === Math.fround(d.R[i]))).toBe(true);
    expect(sameBits(r.E, d.E)).toBe(true);
    expect(r.meta?.md5_computed).toBe(r.meta?.md5_stored);
    expect(datasetMd5(d, { float32: true })).toBe(r.md5);
    expect(datasetMd5(d)).not.toBe(r.md5);
  });

  it('stored (uncompressed) npz reads the same as compressed', () => {
    const d = methane(3);
    const a = readSgdmlNpz(writeSgdmlNpz(d, { compress: false })).dataset;
    expect(sameBits(a.F, d.F)).toBe(true);
  });

  it('npz with Bohr / Hartree units in r_unit / e_unit is converted at load', () => {
    const d = methane(2);
    const bohr: Dataset = {
      ...d,
      R: d.R.map((x) => x / BOHR_TO_ANG),
      E: d.E!.map((e) => e / HARTREE_TO_KCALMOL),
      F: d.F!.map((f) => (f / HARTREE_TO_KCALMOL) * BOHR_TO_ANG),
    };
    const { arrays } = readNpz(writeSgdmlNpz(bohr));
    arrays.r_unit = { dtype: '<U', shape: [], data: 'bohr' };
    arrays.e_unit = { dtype: '<U', shape: [], data: 'Hartree' };
    const r = readSgdmlNpz(writeNpz(arrays)).dataset;
    r.R.forEach((x, i) => expect(x).toBeCloseTo(d.R[i], 12));
    r.E!.forEach((x, i) => expect(x).toBeCloseTo(d.E![i], 8));
    r.F!.forEach((x, i) => expect(x).toBeCloseTo(d.F![i], 10));
    expect(r.meta?.r_unit_converted_from).toBe('Bohr');
    expect(r.meta?.e_unit_converted_from).toBe('Hartree');
  });
});

describe('extxyz dialects', () => {
  it('reads a Z:I:1 species column, the sGDML exporter key Energy and a force column named force', () => {
    const text = [
      '3',
      'Energy=-47900.5 Properties=Z:I:1:pos:R:3:force:R:3 Lattice="10 0 0 0 10 0 0 0 10" pbc="T T T"',
      '8 0 0 0.1173 0.1 0.2 0.3',
      '1 0 0.7572 -0.4692 -0.1 0 0',
      '1 0 -0.7572 -0.4692 0 -0.2 -0.3',
    ].join('\n');
    const r = readXyz(text, { energyUnit: 'kcal/mol' });
    expect(Array.from(r.dataset.z)).toEqual([8, 1, 1]);
    expect(r.dataset.E![0]).toBe(-47900.5);
    expect(r.dataset.F![2]).toBe(0.3);
    expect(r.warnings.join('\n')).toMatch(/periodic boundary conditions are ignored/);
  });

  it('reads the paper-style plain XYZ: energy alone on line 2, rows El x y z fx fy fz, blank lines tolerated', () => {
    const text =
      '3\n-47900.25\nO 0 0 0.1173 1 2 3\nH 0 0.7572 -0.4692 4 5 6\nH 0 -0.7572 -0.4692 7 8 9\n\n3\n-47901.0\nO 0 0 0.1173 1 2 3\nH 0 0.7572 -0.4692 4 5 6\nH 0 -0.7572 -0.4692 7 8 9\n\n';
    const r = readDatasetFile('paper.xyz', text);
    expect(r.dataset.nFrames).toBe(2);
    expect(Array.from(r.dataset.E!)).toEqual([-47900.25, -47901]);
    expect(r.dataset.F![8]).toBe(9);
    expect(r.dataset.meta?.energy_unit_read).toBe('kcal/mol');
  });

  it('plain XYZ without energies or forces gives positions only, with warnings', () => {
    const r = readXyz('3\nwater\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n');
    expect(r.dataset.E).toBeNull();
    expect(r.dataset.F).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/no energies found[\s\S]*no forces found/);
  });
});
