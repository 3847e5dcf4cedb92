/**
 * Glycine (C2H5NO2, 10 atoms): the atom order of the project's glycine data, the paper's torsions
 * (Fig. 1: τ1 = N–C–C–O(H), τ2 = N–C–C=O) and idealised starting geometries of the Ip and IIIp
 * conformers (τ1 = 180°, τ2 = 0° in Ip; τ1 = 0°, τ2 = 180° in IIIp).
 *
 * Atom order: 0 N, 1 Cα, 2 C (carboxyl), 3 O (hydroxyl), 4 O (carbonyl), 5 H (on O3), 6–7 Hα, 8–9 H (on N).
 */
import { dihedral, fromZMatrix, type ZRow } from './geometry.ts';

export const GLY_Z: readonly number[] = [7, 6, 6, 8, 8, 1, 1, 1, 1, 1];
export const GLY = {
  /** τ1 = N–C–C–O(H) */
  tau1: [0, 1, 2, 3] as const,
  /** τ2 = N–C–C=O */
  tau2: [0, 1, 2, 4] as const,
};

export function glyKeyCoords(R: ArrayLike<number>): { tau1: number; tau2: number } {
  return { tau1: dihedral(R, ...GLY.tau1), tau2: dihedral(R, ...GLY.tau2) };
}

/**
 * Idealised glycine with the carboxyl group at torsion τ1 (τ2 = τ1 + 180°), the hydroxyl H syn to the
 * carbonyl O and the amino hydrogens gauche (±58°) to the carboxyl carbon.
 */
export function buildGlycine(tau1: number): Float64Array {
  const rows: ZRow[] = [
    {},
    { bond: 1.45 },
    { bondTo: 1, bond: 1.52, angleTo: 0, angle: 112 },
    { bondTo: 2, bond: 1.35, angleTo: 1, angle: 111, dihedralTo: 0, dihedral: tau1 },
    { bondTo: 2, bond: 1.21, angleTo: 1, angle: 125, dihedralTo: 0, dihedral: tau1 + 180 },
    { bondTo: 3, bond: 0.97, angleTo: 2, angle: 106, dihedralTo: 4, dihedral: 0 },
    { bondTo: 1, bond: 1.09, angleTo: 2, angle: 108, dihedralTo: 0, dihedral: 121 },
    { bondTo: 1, bond: 1.09, angleTo: 2, angle: 108, dihedralTo: 0, dihedral: -121 },
    { bondTo: 0, bond: 1.01, angleTo: 1, angle: 110, dihedralTo: 2, dihedral: 58 },
    { bondTo: 0, bond: 1.01, angleTo: 1, angle: 110, dihedralTo: 2, dihedral: -58 },
  ];
  return fromZMatrix(rows);
}
