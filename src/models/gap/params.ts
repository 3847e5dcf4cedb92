/**
 * GAP hyper-parameters and the two presets, in a module of their own so that option parsing (the app's
 * form, the CLI) does not pull the model code (gap.ts, loaded on demand) into the main bundle.
 */
import type { SoapParams } from './soap.ts';

export const EV_KCAL = 23.0605;

export interface GapParams extends SoapParams {
  /** Kernel exponent ζ. */
  zeta: number;
  /** Kernel prior scale δ, kcal/mol. */
  delta: number;
  /** Energy regulariser σ_E per configuration, kcal/mol. */
  sigmaE: number;
  /** Force regulariser σ_F per component, kcal/mol/Å. */
  sigmaF: number;
  /** Sparse points per central species (all environments when fewer). */
  nSparse: number;
  sparseMethod: 'cur' | 'random';
  /** Diagonal jitter on K_MM relative to δ² (QUIP sparse_jitter). */
  jitter: number;
  /** 'average' or isolated-atom energies by atomic number (kcal/mol). */
  e0: 'average' | Record<number, number>;
  /** At most this many environments per species are considered for sparse selection (memory bound). */
  poolCap: number;
  /** Keep the factors needed for the predictive variance (M² doubles ×2). */
  variance: boolean;
}

/**
 * The settings of Vassilev-Galindo et al. (2021): cutoff 5 Å, transition 0.5 Å, n_max 12, l_max 6,
 * atom_sigma 0.3 Å, ζ = 2, δ = 0.25 eV, σ_E = 0.001 eV, σ_F = 0.2 eV/Å (converted to kcal/mol). They used
 * 4000 sparse points; our default is 500 per species so training fits in a browser tab (training cost grows
 * as M²; raise nSparse for the full setting).
 */
export const GAP_PAPER: GapParams = {
  cutoff: 5,
  transitionWidth: 0.5,
  nMax: 12,
  lMax: 6,
  atomSigma: 0.3,
  centralWeight: 1,
  zeta: 2,
  delta: 0.25 * EV_KCAL,
  sigmaE: 0.001 * EV_KCAL,
  sigmaF: 0.2 * EV_KCAL,
  nSparse: 500,
  sparseMethod: 'cur',
  jitter: 1e-8,
  e0: 'average',
  poolCap: 20000,
  variance: true,
};

/** The faster, commonly used setting: n_max 8, l_max 4, everything else as the paper. */
export const GAP_FAST: GapParams = { ...GAP_PAPER, nMax: 8, lMax: 4 };

export const GAP_PRESETS = { paper: GAP_PAPER, fast: GAP_FAST } as const;
