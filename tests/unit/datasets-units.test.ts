/** Datasets tab, pure parts: does a file state its units (src/data/unitsProbe.ts), and which files are refused. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeUnits } from '../../src/data/unitsProbe.ts';
import { fileRefusal, MAX_FILE_BYTES } from '../../src/ui/datasets/actions.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../../../shared/fixtures');
const enc = (s: string) => new TextEncoder().encode(s);

describe('probeUnits', () => {
  it('plain XYZ never states units', () => {
    expect(probeUnits('a.xyz', enc('\n3\n-76.4\nO 0 0 0\nH 1 0 0\nH 0 1 0\n'))).toEqual({
      format: 'xyz',
      statesUnits: false,
    });
  });

  it('extended XYZ states them with e_unit (quoted or not), else not', () => {
    const withUnits = '1\nProperties=species:S:1:pos:R:3 energy=1 e_unit="kcal/mol" r_unit=Bohr\nH 0 0 0\n';
    expect(probeUnits('a.extxyz', enc(withUnits))).toEqual({
      format: 'extxyz',
      statesUnits: true,
      energyUnit: 'kcal/mol',
      lengthUnit: 'Bohr',
    });
    const without = '1\nProperties=species:S:1:pos:R:3 energy=1\nH 0 0 0\n';
    expect(probeUnits('a.xyz', enc(without)).statesUnits).toBe(false);
  });

  it('the acac fixture (ASE extxyz without e_unit) asks; sGDML npz does not', () => {
    const acac = new Uint8Array(readFileSync(path.join(FIX, 'acac/train_300K.xyz')));
    expect(probeUnits('train_300K.xyz', acac)).toMatchObject({ format: 'extxyz', statesUnits: false });
    const npz = new Uint8Array(readFileSync(path.join(FIX, 'sgdml-npz-ethanol/ethanol.npz')));
    expect(probeUnits('ethanol.npz', npz)).toEqual({ format: 'npz', statesUnits: true });
  });
});

describe('fileRefusal', () => {
  it('refuses other extensions and files over the limit with a clear message', () => {
    expect(fileRefusal('a.npz', 1000)).toBeNull();
    expect(fileRefusal('A.EXTXYZ', 1000)).toBeNull();
    expect(fileRefusal('model.json', 10)).toMatch(
      /model\.json: not a dataset file; expected \.npz, \.xyz, \.extxyz/,
    );
    expect(fileRefusal('big.npz', MAX_FILE_BYTES + 1)).toMatch(
      /big\.npz is 300 MB; the browser reads dataset files up to 300 MB/,
    );
  });
});
