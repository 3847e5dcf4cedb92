/** Element symbols by atomic number (1–36), enough for the molecules the app shows. */
const SYMBOLS = [
  '',
  'H',
  'He',
  'Li',
  'Be',
  'B',
  'C',
  'N',
  'O',
  'F',
  'Ne',
  'Na',
  'Mg',
  'Al',
  'Si',
  'P',
  'S',
  'Cl',
  'Ar',
  'K',
  'Ca',
  'Sc',
  'Ti',
  'V',
  'Cr',
  'Mn',
  'Fe',
  'Co',
  'Ni',
  'Cu',
  'Zn',
  'Ga',
  'Ge',
  'As',
  'Se',
  'Br',
  'Kr',
];

export function symbolOf(z: number): string {
  const s = SYMBOLS[z];
  if (!s) throw new Error(`no element symbol for atomic number ${z}`);
  return s;
}

export function atomicNumberOf(symbol: string): number {
  const i = SYMBOLS.findIndex((s) => s.toLowerCase() === symbol.trim().toLowerCase());
  if (i <= 0) throw new Error(`unknown element symbol "${symbol}"`);
  return i;
}

/** Empirical formula in Hill order (C, H, then alphabetical), e.g. C12H10N2. */
export function formulaOf(z: ArrayLike<number>): string {
  const counts = new Map<string, number>();
  for (let i = 0; i < z.length; i++) counts.set(symbolOf(z[i]), (counts.get(symbolOf(z[i])) ?? 0) + 1);
  const keys = [...counts.keys()].sort();
  const order = counts.has('C') ? ['C', 'H', ...keys.filter((k) => k !== 'C' && k !== 'H')] : keys;
  return order
    .filter((k) => counts.has(k))
    .map((k) => k + (counts.get(k)! > 1 ? counts.get(k) : ''))
    .join('');
}
