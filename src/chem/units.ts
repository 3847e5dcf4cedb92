/**
 * Unit conversion at the edges of the app. Inside, positions are Å, energies kcal/mol and forces
 * kcal/mol/Å. All factors derive from exact SI constants (2019 redefinition: e, N_A; the
 * thermochemical calorie 4.184 J) and the CODATA 2018 recommended values of the Hartree energy and the
 * Bohr radius:
 *   1 eV      = e·N_A / 4184            = 23.060547830619… kcal/mol   (exact)
 *   1 Hartree = E_h·N_A / 4184          = 627.50947406…     kcal/mol   (E_h = 4.3597447222071e-18 J)
 *   1 Bohr    = 0.529177210903 Å                                       (CODATA 2018)
 * (The rounded values often quoted — 23.0605, 627.5095, 0.529177 — agree to their printed digits.)
 */
import { UnknownUnitError } from '../data/io/errors.ts';

/** Elementary charge, C (exact). */
export const ELEMENTARY_CHARGE = 1.602176634e-19;
/** Avogadro constant, 1/mol (exact). */
export const AVOGADRO = 6.02214076e23;
/** Thermochemical calorie, J (exact). */
export const CALORIE = 4.184;
/** Hartree energy, J (CODATA 2018). */
export const HARTREE_J = 4.3597447222071e-18;

/** kcal/mol per eV. */
export const EV_TO_KCALMOL = (ELEMENTARY_CHARGE * AVOGADRO) / (1000 * CALORIE);
/** kcal/mol per Hartree. */
export const HARTREE_TO_KCALMOL = (HARTREE_J * AVOGADRO) / (1000 * CALORIE);
/** kcal/mol per kJ/mol. */
export const KJMOL_TO_KCALMOL = 1 / CALORIE;
/** Å per Bohr (CODATA 2018). */
export const BOHR_TO_ANG = 0.529177210903;

export type EnergyUnit = 'kcal/mol' | 'eV' | 'Hartree' | 'kJ/mol';
export type LengthUnit = 'Ang' | 'Bohr';

const ENERGY_ALIASES: Record<string, EnergyUnit> = {
  'kcal/mol': 'kcal/mol',
  kcalmol: 'kcal/mol',
  'kcal mol-1': 'kcal/mol',
  ev: 'eV',
  hartree: 'Hartree',
  ha: 'Hartree',
  eh: 'Hartree',
  au: 'Hartree',
  'a.u.': 'Hartree',
  'kj/mol': 'kJ/mol',
};

const LENGTH_ALIASES: Record<string, LengthUnit> = {
  ang: 'Ang',
  angstrom: 'Ang',
  å: 'Ang',
  a: 'Ang',
  bohr: 'Bohr',
  au: 'Bohr',
  'a.u.': 'Bohr',
};

/** Normalise an energy unit name ('eV', 'ev', 'Hartree', 'Ha', 'kcal/mol', 'kJ/mol'). */
export function parseEnergyUnit(s: string): EnergyUnit {
  const u = ENERGY_ALIASES[s.trim().toLowerCase()];
  if (!u)
    throw new UnknownUnitError(`unknown energy unit '${s}'; expected one of eV, kcal/mol, Hartree, kJ/mol`, {
      found: s,
    });
  return u;
}

/** Normalise a length unit name ('Ang', 'Angstrom', 'Å', 'Bohr', 'bohr'). */
export function parseLengthUnit(s: string): LengthUnit {
  const u = LENGTH_ALIASES[s.trim().toLowerCase()];
  if (!u) throw new UnknownUnitError(`unknown length unit '${s}'; expected Ang or Bohr`, { found: s });
  return u;
}

/** Factor that converts an energy in `unit` to kcal/mol. */
export function energyToKcalMol(unit: EnergyUnit): number {
  switch (unit) {
    case 'kcal/mol':
      return 1;
    case 'eV':
      return EV_TO_KCALMOL;
    case 'Hartree':
      return HARTREE_TO_KCALMOL;
    case 'kJ/mol':
      return KJMOL_TO_KCALMOL;
  }
}

/** Factor that converts a length in `unit` to Å. */
export function lengthToAng(unit: LengthUnit): number {
  return unit === 'Bohr' ? BOHR_TO_ANG : 1;
}

/** Factor that converts a force in energyUnit/lengthUnit to kcal/mol/Å. */
export function forceToKcalMolAng(energyUnit: EnergyUnit, lengthUnit: LengthUnit): number {
  return energyToKcalMol(energyUnit) / lengthToAng(lengthUnit);
}

/** Multiply every element in place (returns the array). A factor of exactly 1 leaves the bits untouched. */
export function scaleInPlace(a: Float64Array, factor: number): Float64Array {
  if (factor !== 1) for (let i = 0; i < a.length; i++) a[i] *= factor;
  return a;
}
