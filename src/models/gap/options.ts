/**
 * GAP hyper-parameters from string options (CLI flags, URL/query strings, form fields):
 * `preset` fast | paper, then overrides cutoff, transition-width, n-max, l-max, atom-sigma, zeta, delta,
 * sigma-e, sigma-f, n-sparse, sparse-method, e0. Energies default to kcal/mol (forces kcal/mol/Å); a value may
 * carry an `eV` suffix (e.g. `--sigma-f 0.2eV`, `--delta 0.25eV`), converted with 1 eV = 23.0605 kcal/mol.
 * Throws Error with a user-facing message on bad input.
 */
import { EV_KCAL, GAP_PRESETS, type GapParams } from './params.ts';

export const GAP_OPTION_HELP = `GAP (SOAP + sparse GP, QUIP gap_fit style):
  --preset P             paper (n_max 12, l_max 6; default) | fast (n_max 8, l_max 4)
  --cutoff R             SOAP cutoff, Å (default 5)
  --transition-width W   cosine transition below the cutoff, Å (default 0.5)
  --n-max N, --l-max L   radial and angular basis sizes
  --atom-sigma S         Gaussian width of atom densities, Å (default 0.3)
  --zeta Z               kernel exponent (default 2)
  --delta D              kernel scale, kcal/mol or with eV suffix (default 0.25eV)
  --sigma-e S            energy regulariser per configuration (default 0.001eV)
  --sigma-f S            force regulariser per component, kcal/mol/Å or eV/Å with eV suffix (default 0.2eV)
  --n-sparse M           sparse points per element (default 500; the paper used 4000 in total)
  --sparse-method K      cur (default) | random
  --e0 E                 average (default) | isolated energies as Z=value,… in kcal/mol (or eV suffix)`;

function energy(v: string, name: string): number {
  const m = /^\s*([-+0-9.eE]+?)\s*(eV)?\s*$/.exec(v);
  const x = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(x))
    throw new Error(`--${name} needs a number (optionally with an eV suffix), got '${v}'`);
  return m[2] ? x * EV_KCAL : x;
}

function positive(v: string, name: string, integer = false): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x)))
    throw new Error(`--${name} needs a positive ${integer ? 'integer' : 'number'}, got '${v}'`);
  return x;
}

export function gapParamsFromOptions(opts: Record<string, string | undefined>): GapParams {
  const preset = opts['preset'] ?? 'paper';
  if (!(preset in GAP_PRESETS)) throw new Error(`--preset must be fast or paper, got '${preset}'`);
  const p: GapParams = { ...GAP_PRESETS[preset as keyof typeof GAP_PRESETS] };
  const o = (k: string) => opts[k];
  if (o('cutoff')) p.cutoff = positive(o('cutoff')!, 'cutoff');
  if (o('transition-width') !== undefined) {
    const w = Number(o('transition-width'));
    if (!(w >= 0 && w <= p.cutoff)) throw new Error(`--transition-width must be between 0 and the cutoff`);
    p.transitionWidth = w;
  }
  if (o('n-max')) p.nMax = positive(o('n-max')!, 'n-max', true);
  if (o('l-max')) {
    const l = Number(o('l-max'));
    if (!Number.isInteger(l) || l < 0 || l > 12) throw new Error(`--l-max must be an integer 0…12`);
    p.lMax = l;
  }
  if (o('atom-sigma')) p.atomSigma = positive(o('atom-sigma')!, 'atom-sigma');
  if (o('zeta')) p.zeta = positive(o('zeta')!, 'zeta');
  if (o('delta')) p.delta = energy(o('delta')!, 'delta');
  if (o('sigma-e')) p.sigmaE = energy(o('sigma-e')!, 'sigma-e');
  if (o('sigma-f')) p.sigmaF = energy(o('sigma-f')!, 'sigma-f');
  if (o('n-sparse')) p.nSparse = positive(o('n-sparse')!, 'n-sparse', true);
  if (o('sparse-method')) {
    const m = o('sparse-method');
    if (m !== 'cur' && m !== 'random') throw new Error(`--sparse-method must be cur or random`);
    p.sparseMethod = m;
  }
  if (o('e0') && o('e0') !== 'average') {
    const map: Record<number, number> = {};
    for (const part of o('e0')!.split(',')) {
      const [k, v] = part.split('=');
      const Z = Number(k);
      if (!Number.isInteger(Z) || Z < 1 || v === undefined)
        throw new Error(`--e0 wants Z=value,… got '${part}'`);
      map[Z] = energy(v, 'e0');
    }
    p.e0 = map;
  }
  for (const [k, v] of Object.entries(p))
    if (typeof v === 'number' && !(v > 0) && k !== 'transitionWidth' && k !== 'lMax')
      throw new Error(`GAP parameter ${k} must be positive`);
  return p;
}
