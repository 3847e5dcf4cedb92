/**
 * The key internal coordinates of the paper's molecules as data: which atoms define each one, its
 * symbol and unit, so the explorer can label them in 3D and read them out for any geometry.
 * Azobenzene (Fig. 1 of the paper): φ = C–N=N–C, θ = C–N=N, θ′ = N=N–C, a = C–N, b = N=N.
 * Glycine: τ1 = N–C–C–O(H), τ2 = N–C–C=O.
 */
import { AZO } from './azobenzene.ts';
import { GLY } from './glycine.ts';
import { angle, dihedral, distance } from './geometry.ts';

export type KeyCoordKind = 'distance' | 'angle' | 'dihedral';

export interface KeyCoordDef {
  /** Key used in the path JSON (phi, theta, thetaPrime, a, b, tau1, tau2). */
  key: string;
  /** Symbol shown to the user. */
  symbol: string;
  /** What it is, in words. */
  name: string;
  kind: KeyCoordKind;
  atoms: readonly number[];
  /** '°' for angles, 'Å' for distances. */
  unit: string;
}

const deg = (kind: KeyCoordKind) => (kind === 'distance' ? 'Å' : '°');
const def = (key: string, symbol: string, name: string, kind: KeyCoordKind, atoms: readonly number[]) => ({
  key,
  symbol,
  name,
  kind,
  atoms,
  unit: deg(kind),
});

export const AZO_KEY_COORDS: readonly KeyCoordDef[] = [
  def('phi', 'φ', 'C–N=N–C dihedral', 'dihedral', AZO.phi),
  def('theta', 'θ', 'C–N=N angle', 'angle', AZO.theta),
  def('thetaPrime', 'θ′', 'N=N–C angle', 'angle', AZO.thetaPrime),
  def('a', 'a', 'C–N bond', 'distance', AZO.a),
  def('b', 'b', 'N=N bond', 'distance', AZO.b),
];

export const GLY_KEY_COORDS: readonly KeyCoordDef[] = [
  def('tau1', 'τ', 'N–C–C–O(H) torsion τ1', 'dihedral', GLY.tau1),
  def('tau2', 'τ2', 'N–C–C=O torsion', 'dihedral', GLY.tau2),
];

/** Key coordinates of a molecule by name ('azobenzene', 'glycine'); empty for anything else. */
export function keyCoordsFor(molecule: string): readonly KeyCoordDef[] {
  const m = molecule.toLowerCase();
  if (m.includes('azobenzene')) return AZO_KEY_COORDS;
  if (m.includes('glycine')) return GLY_KEY_COORDS;
  return [];
}

/** Value of one key coordinate of a flat geometry (degrees or Å). */
export function measure(R: ArrayLike<number>, d: KeyCoordDef): number {
  const a = d.atoms;
  if (d.kind === 'distance') return distance(R, a[0], a[1]);
  if (d.kind === 'angle') return angle(R, a[0], a[1], a[2]);
  return dihedral(R, a[0], a[1], a[2], a[3]);
}

/** "φ = 94.2°", "b = 1.253 Å". */
export function formatCoord(d: KeyCoordDef, v: number): string {
  return `${d.symbol} = ${d.kind === 'distance' ? v.toFixed(3) : v.toFixed(1)} ${d.unit}`.replace(' °', '°');
}
