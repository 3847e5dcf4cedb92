/**
 * Reading the shared third-party fixtures (../shared/fixtures beside the repository).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { readNpz } from '../../src/data/io/npz.ts';
import { npyToNumber } from '../../src/data/io/npy.ts';
import { readSgdmlNpz, writeSgdmlNpz } from '../../src/data/io/sgdml-dataset.ts';
import { EV_TO_KCALMOL } from '../../src/chem/units.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../../../shared/fixtures');
const load = (rel: string) => new Uint8Array(readFileSync(path.join(FIX, rel)));

describe('shared fixtures', () => {
  it('rmd17-ethanol/train.xyz: 1000 frames × 9 atoms, eV → kcal/mol', () => {
    const { dataset: d, warnings } = readDatasetFile('train.xyz', load('rmd17-ethanol/train.xyz'));
    expect(d.nFrames).toBe(1000);
    expect(d.nAtoms).toBe(9);
    expect(Array.from(d.z)).toEqual([6, 6, 8, 1, 1, 1, 1, 1, 1]);
    // first frame: energy=-4209.4657843064815 eV; first atom C 0.40162460 0.38569419 0.07944170 -4.15950961 …
    expect(d.E![0]).toBeCloseTo(-4209.4657843064815 * EV_TO_KCALMOL, 8);
    expect(d.E![0]).toBeCloseTo(-97072.587, 2);
    expect(Array.from(d.R.subarray(0, 3))).toEqual([0.4016246, 0.38569419, 0.0794417]);
    expect(d.F![0]).toBeCloseTo(-4.15950961 * EV_TO_KCALMOL, 10);
    expect(d.frameProps?.OH_dist?.[0]).toBe(1.0373);
    expect(d.meta?.energy_unit_read).toBe('eV');
    expect(warnings.join('\n')).toMatch(/does not state its units; read energies as eV/);
  });

  it('acac/train_300K.xyz: 500 frames × 15 atoms with dihedral_angle per frame', () => {
    const { dataset: d } = readDatasetFile('train_300K.xyz', load('acac/train_300K.xyz'));
    expect(d.nFrames).toBe(500);
    expect(d.nAtoms).toBe(15);
    expect(d.frameProps!.dihedral_angle).toHaveLength(500);
    expect(d.frameProps!.dihedral_angle[0]).toBe(8.02164373962562);
    expect(d.E![0]).toBeCloseTo(-9391.45554428476 * EV_TO_KCALMOL, 7);
    expect(d.meta?.config_type).toBe('300K_MD');
  });

  it('sgdml-npz-ethanol/ethanol.npz: 2000 × 9, z uint8, E (M, 1); md5 as numpy-side sGDML computes it', () => {
    const { dataset: d, warnings } = readDatasetFile('ethanol.npz', load('sgdml-npz-ethanol/ethanol.npz'));
    expect(d.nFrames).toBe(2000);
    expect(d.nAtoms).toBe(9);
    expect(Array.from(d.z)).toEqual([6, 6, 8, 1, 1, 1, 1, 1, 1]);
    expect(d.meta?.z_dtype).toBe('|u1');
    expect(d.E).toHaveLength(2000);
    expect(d.E![0]).toBe(-97208.40600498248);
    expect(d.F).toHaveLength(2000 * 9 * 3);
    // numpy: hashlib.md5 over md5(z.ravel()).digest() + md5(R) + md5(E) + md5(F), with z as uint8
    expect(d.md5).toBe('cd5591319f33b44b23ca08f404010086');
    expect(warnings).toEqual([]);
  });

  it('azobenzene-xtb-md.npz: recomputed md5 equals the stored reference md5, and survives a re-write', () => {
    const bytes = load('sgdml-reference/azobenzene-xtb-md.npz');
    const { dataset: d, warnings } = readSgdmlNpz(bytes, { source: 'azobenzene-xtb-md.npz' });
    expect(d.nFrames).toBe(2400);
    expect(d.nAtoms).toBe(24);
    expect(d.meta?.md5_stored).toBe('4990100f73766b5f066a030397b3f0a0');
    expect(d.meta?.md5_computed).toBe('4990100f73766b5f066a030397b3f0a0');
    expect(d.theory).toMatch(/^GFN2-xTB/);
    expect(warnings).toEqual([]);
    const again = readSgdmlNpz(writeSgdmlNpz(d));
    expect(again.dataset.meta?.md5_stored).toBe('4990100f73766b5f066a030397b3f0a0');
    expect(again.dataset.meta?.md5_computed).toBe('4990100f73766b5f066a030397b3f0a0');
  });

  it('model-train100-sym.npz: pickled members f_err / e_err are skipped with a warning, the rest is read', () => {
    const { arrays, warnings } = readNpz(load('sgdml-reference/model-train100-sym.npz'), {
      source: 'model.npz',
    });
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/skipped 'f_err'.*pickled/);
    expect(warnings.join('\n')).toMatch(/skipped 'e_err'.*pickled/);
    expect(arrays.f_err).toBeUndefined();
    expect(npyToNumber(arrays.sig)).toBe(30);
    expect(npyToNumber(arrays.lam)).toBe(1e-10);
    expect(arrays.R_desc.shape).toEqual([276, 100]);
    expect(arrays.perms.shape).toEqual([2, 24]);
    expect(arrays.type.data).toBe('m');
    expect(() => readDatasetFile('model.npz', load('sgdml-reference/model-train100-sym.npz'))).toThrow(
      /sGDML model file \(type 'm'\), not a dataset/,
    );
  });
});
