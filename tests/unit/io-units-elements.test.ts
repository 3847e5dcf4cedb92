import { describe, expect, it } from 'vitest';
import {
  BOHR_TO_ANG,
  EV_TO_KCALMOL,
  HARTREE_TO_KCALMOL,
  energyToKcalMol,
  forceToKcalMolAng,
  lengthToAng,
  parseEnergyUnit,
  parseLengthUnit,
} from '../../src/chem/units.ts';
import {
  COVALENT_RADII,
  MASSES,
  SYMBOLS,
  atomicNumber,
  covalentRadius,
  formula,
  mass,
  symbol,
} from '../../src/chem/elements.ts';
import { UnknownUnitError } from '../../src/data/io/errors.ts';

describe('units (CODATA 2018 / exact SI)', () => {
  it('has the textbook values to their printed digits', () => {
    expect(EV_TO_KCALMOL).toBeCloseTo(23.0605, 4);
    expect(HARTREE_TO_KCALMOL).toBeCloseTo(627.5095, 4);
    expect(BOHR_TO_ANG).toBeCloseTo(0.529177, 6);
    // Hartree in eV (CODATA 2018: 27.211386245988 eV) follows from the two energy factors
    expect(HARTREE_TO_KCALMOL / EV_TO_KCALMOL).toBeCloseTo(27.211386245988, 9);
  });
  it('parses unit names with aliases and rejects unknown ones', () => {
    expect(parseEnergyUnit('ev')).toBe('eV');
    expect(parseEnergyUnit('Ha')).toBe('Hartree');
    expect(parseEnergyUnit('kcal/mol')).toBe('kcal/mol');
    expect(parseLengthUnit('Angstrom')).toBe('Ang');
    expect(parseLengthUnit('bohr')).toBe('Bohr');
    expect(() => parseLengthUnit('nm')).toThrow(UnknownUnitError);
    expect(() => parseLengthUnit('nm')).toThrow(/unknown length unit 'nm'; expected Ang or Bohr/);
  });
  it('composes force factors', () => {
    expect(energyToKcalMol('kcal/mol')).toBe(1);
    expect(lengthToAng('Ang')).toBe(1);
    expect(forceToKcalMolAng('Hartree', 'Bohr')).toBeCloseTo(627.509474 / 0.529177211, 4);
    expect(forceToKcalMolAng('eV', 'Ang')).toBe(EV_TO_KCALMOL);
  });
});

describe('elements', () => {
  it('covers H–Kr with symbols, masses and covalent radii', () => {
    expect(SYMBOLS).toHaveLength(37);
    expect(MASSES).toHaveLength(37);
    expect(COVALENT_RADII).toHaveLength(37);
    expect(symbol(36)).toBe('Kr');
    expect(atomicNumber('c')).toBe(6);
    expect(atomicNumber('Cl')).toBe(17);
    expect(atomicNumber('X')).toBeUndefined();
    expect(atomicNumber('Qq')).toBeUndefined();
    expect(mass(1)).toBeCloseTo(1.008, 3);
    expect(mass(6)).toBeCloseTo(12.011, 3);
    expect(mass(7)).toBeCloseTo(14.007, 3);
    expect(mass(8)).toBeCloseTo(15.999, 3);
    expect(covalentRadius(1) + covalentRadius(6)).toBeCloseTo(1.07, 2); // C–H ≈ 1.09 Å
    for (let z = 2; z <= 36; z++) expect(MASSES[z]).toBeGreaterThan(MASSES[z - 1] - 1.5); // Ar/K, Co/Ni inversions only
    expect(() => symbol(37)).toThrow(/no element data for atomic number 37/);
  });
  it('writes Hill formulas', () => {
    expect(formula([6, 6, 8, 1, 1, 1, 1, 1, 1])).toBe('C2H6O');
    expect(formula([7, 7, 6, 1])).toBe('CHN2');
    expect(formula([8, 1, 1])).toBe('H2O');
    expect(formula([17, 11])).toBe('ClNa');
  });
});
