/**
 * Element data for the first 36 elements (H–Kr): symbols, atomic numbers, standard atomic weights
 * (IUPAC, abridged to 5 significant figures; conventional values for H, Li, B, C, N, O, Mg, Si, S, Cl)
 * and single-bond covalent radii in Å (Cordero et al., Dalton Trans. 2008, 2832; low-spin values for
 * Mn, Fe, Co; sp3 value for C).
 */

export const SYMBOLS = [
  'X', 'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
] as const; // prettier-ignore

/** Standard atomic weights, g/mol, indexed by Z (index 0 unused). */
export const MASSES = [
  0, 1.008, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.998, 20.18, 22.99, 24.305, 26.982,
  28.085, 30.974, 32.06, 35.45, 39.948, 39.098, 40.078, 44.956, 47.867, 50.942, 51.996, 54.938, 55.845,
  58.933, 58.693, 63.546, 65.38, 69.723, 72.63, 74.922, 78.971, 79.904, 83.798,
] as const; // prettier-ignore

/** Covalent radii, Å, indexed by Z (Cordero 2008). */
export const COVALENT_RADII = [
  0, 0.31, 0.28, 1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58, 1.66, 1.41, 1.21, 1.11, 1.07, 1.05, 1.02,
  1.06, 2.03, 1.76, 1.7, 1.6, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32, 1.22, 1.22, 1.2, 1.19, 1.2, 1.2, 1.16,
] as const; // prettier-ignore

export const MAX_Z = SYMBOLS.length - 1;

const BY_SYMBOL = new Map<string, number>(SYMBOLS.map((s, z) => [s.toLowerCase(), z]));

/** Atomic number of an element symbol (case-insensitive); undefined when unknown. */
export function atomicNumber(symbol: string): number | undefined {
  const z = BY_SYMBOL.get(symbol.trim().toLowerCase());
  return z === undefined || z === 0 ? undefined : z;
}

/** Element symbol of an atomic number; throws for Z outside 1–36. */
export function symbol(z: number): string {
  if (!Number.isInteger(z) || z < 1 || z > MAX_Z)
    throw new RangeError(`no element data for atomic number ${z} (supported: 1–${MAX_Z})`);
  return SYMBOLS[z];
}

export function mass(z: number): number {
  symbol(z);
  return MASSES[z];
}

export function covalentRadius(z: number): number {
  symbol(z);
  return COVALENT_RADII[z];
}

/** Hill-order formula (C first, H second, then alphabetical; alphabetical when no C), e.g. "C2H6O". */
export function formula(z: ArrayLike<number>): string {
  const counts = new Map<string, number>();
  for (let i = 0; i < z.length; i++) {
    const s = symbol(z[i]);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const keys = [...counts.keys()].sort();
  const order = counts.has('C')
    ? ['C', ...(counts.has('H') ? ['H'] : []), ...keys.filter((k) => k !== 'C' && k !== 'H')]
    : keys;
  return order.map((k) => k + (counts.get(k)! > 1 ? counts.get(k) : '')).join('');
}
