/**
 * The in-memory dataset every part of the app works on. Units inside the app are fixed:
 * positions Å, energies kcal/mol, forces kcal/mol/Å (forces = −∂E/∂R, never gradients).
 * Arrays are flat and frame-major: R[(m * nAtoms + i) * 3 + k].
 */
export interface Dataset {
  name: string;
  /** Level of theory that produced E and F, e.g. "GFN1-xTB (xtb 6.5.1)". */
  theory: string;
  /** Atomic numbers, length nAtoms; the same atom order in every frame. */
  z: Int32Array;
  nAtoms: number;
  nFrames: number;
  /** Positions, Å, length nFrames * nAtoms * 3. */
  R: Float64Array;
  /** Energies, kcal/mol, length nFrames; null when the source has none. */
  E: Float64Array | null;
  /** Forces, kcal/mol/Å, length nFrames * nAtoms * 3; null when the source has none. */
  F: Float64Array | null;
  /** md5 of the dataset as the reference sGDML computes it (hex), when known. */
  md5?: string;
  /** Free-form per-dataset metadata (source file, units converted from, …). */
  meta?: Record<string, string>;
  /** Optional per-frame scalar properties (e.g. dihedral_phi), each of length nFrames. */
  frameProps?: Record<string, Float64Array>;
}
