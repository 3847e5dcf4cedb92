/**
 * Model registry: kind → how to build its Trainer, read its options (CLI flags or app form values) and
 * pick the best-model rule. Entries load lazily (dynamic import) so a browser bundle pulls in only the
 * models it uses. To add a model: write its Trainer in src/models/<kind>/ and add one entry to `entries`.
 */
import type { ForceField, ModelKind, Trainer } from './types.ts';
import type { FoldResult } from '../eval/results.ts';
import { gapEntry } from './gap/registryEntry.ts';
import { bpnnEntry, schnetEntry } from './nn-common/registryEntry.ts';

export interface ModelOption {
  /** Flag name without dashes, e.g. "sigma". */
  name: string;
  help: string;
  /** 'number' | 'numbers' (comma list) | 'string' | 'boolean' */
  type: 'number' | 'numbers' | 'string' | 'boolean';
  /** Allowed values for strings. */
  choices?: string[];
}

export interface ModelEntry {
  kind: ModelKind;
  label: string;
  options: ModelOption[];
  /** Best fold of a size: lowest energy RMSE, or the sGDML force-first rule. */
  bestRule: 'energy' | 'sgdml';
  create(): Promise<Trainer>;
  /** Parse raw option values (strings from the CLI, or already-typed values) into JSON-safe params. */
  parseOptions(raw: Record<string, unknown>): Record<string, unknown>;
  /** Validation frames the trainer needs with these params (0 = none). */
  validSize(params: Record<string, unknown>): number;
  /** Facts of a trained model worth storing with each fold (JSON-safe). */
  modelInfo?(m: ForceField): Record<string, unknown> | undefined;
  /**
   * Extra trainer parameters for a fold from an earlier fold's result (its modelInfo), that make training
   * faster without changing what it learns (cross-validation's `warmStart`).
   */
  warmStart?(prior: FoldResult): Record<string, unknown> | undefined;
  /**
   * Trainer parameters that train a recorded fold again the way it was first trained, where the code's
   * defaults have changed since (e.g. sGDML's preconditioner storage), so that it reproduces the fold.
   */
  retrainParams?(fold: FoldResult): Record<string, unknown> | undefined;
}

/** Turn raw option values into typed ones as declared; unknown options are an error. */
export function parseDeclaredOptions(
  options: ModelOption[],
  raw: Record<string, unknown>,
  kind: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const o = options.find((x) => x.name === k);
    if (!o)
      throw new Error(
        `model ${kind} has no option --${k} (options: ${options.map((x) => '--' + x.name).join(', ')})`,
      );
    const num = (s: unknown) => {
      const x = typeof s === 'number' ? s : Number(String(s).trim());
      if (!Number.isFinite(x)) throw new Error(`--${k}: "${String(s)}" is not a number`);
      return x;
    };
    switch (o.type) {
      case 'number':
        out[k] = num(v);
        break;
      case 'numbers':
        out[k] = Array.isArray(v) ? v.map(num) : String(v).split(',').map(num);
        break;
      case 'boolean':
        out[k] = v === true || v === 'true' || v === '1' || v === 'yes';
        break;
      default:
        if (o.choices && !o.choices.includes(String(v)))
          throw new Error(`--${k}: "${String(v)}" is not one of ${o.choices.join(', ')}`);
        out[k] = String(v);
    }
  }
  return out;
}

const sgdmlOptions: ModelOption[] = [
  { name: 'sigma', type: 'number', help: 'fixed kernel length scale σ (skips the σ search)' },
  {
    name: 'sigma-grid',
    type: 'numbers',
    help: 'σ candidates, chosen by validation force RMSE (default 10,20,…,90)',
  },
  {
    name: 'sigma-start',
    type: 'number',
    help: 'start the σ search at the grid value nearest this and walk up or down (default: up from the smallest)',
  },
  {
    name: 'valid',
    type: 'number',
    help: 'validation frames for the σ search, drawn outside the CV subset (default 200)',
  },
  { name: 'lambda', type: 'number', help: 'regulariser λ (default 1e-10)' },
  {
    name: 'descriptor',
    type: 'string',
    choices: ['inv', 'inv+ang'],
    help: "'inv' (1/r, default) or 'inv+ang' (the paper's [1/r + ang])",
  },
  { name: 'gdml', type: 'boolean', help: 'no permutational symmetries (plain GDML)' },
  {
    name: 'solver',
    type: 'string',
    choices: ['auto', 'cholesky', 'cg'],
    help: 'linear solver (default auto: Cholesky when it fits)',
  },
  { name: 'memory-gb', type: 'number', help: 'memory the Cholesky solver may use (GiB, default 8)' },
  { name: 'cg-tol', type: 'number', help: 'CG relative tolerance (default 1e-4)' },
  {
    name: 'precond-storage',
    type: 'string',
    choices: ['f32', 'f64'],
    help: "CG: the Nyström preconditioner's Zᵀ in float32 (default; half the memory traffic) or float64",
  },
  {
    name: 'kernel-compute',
    type: 'string',
    choices: ['f64', 'tfjs-f32'],
    help: 'CG kernel products: f64 (CPU, default) or tfjs-f32 (exact-split float32 tfjs products)',
  },
  { name: 'max-perms', type: 'number', help: 'cap on the permutation group (default 100)' },
];

const entries: Partial<Record<ModelKind, ModelEntry>> = {
  gap: gapEntry,
  schnet: schnetEntry,
  bpnn: bpnnEntry,
  sgdml: {
    kind: 'sgdml',
    label: 'sGDML',
    options: sgdmlOptions,
    bestRule: 'sgdml',
    async create() {
      const { SgdmlTrainer } = await import('./sgdml/train.ts');
      return new SgdmlTrainer() as unknown as Trainer;
    },
    parseOptions(raw) {
      const o = parseDeclaredOptions(sgdmlOptions, raw, 'sgdml');
      // map CLI names onto SgdmlParams; keep only what was given so the results record the real settings
      const p: Record<string, unknown> = {};
      if (o.sigma !== undefined) p.sigma = o.sigma;
      if (o['sigma-grid'] !== undefined) p.sigmaGrid = o['sigma-grid'];
      if (o['sigma-start'] !== undefined) {
        if (!((o['sigma-start'] as number) > 0)) throw new Error('--sigma-start must be positive');
        p.sigmaStart = o['sigma-start'];
      }
      if (o.lambda !== undefined) p.lambda = o.lambda;
      if (o.descriptor !== undefined) p.descriptor = o.descriptor;
      if (o.gdml) p.noSym = true;
      if (o.solver !== undefined) p.solver = o.solver;
      if (o['memory-gb'] !== undefined)
        p.memoryBudgetBytes = Math.round((o['memory-gb'] as number) * 1024 ** 3);
      if (o['cg-tol'] !== undefined) p.cgTol = o['cg-tol'];
      if (o['precond-storage'] !== undefined) p.precondStorage = o['precond-storage'];
      if (o['kernel-compute'] !== undefined) p.kernelCompute = o['kernel-compute'];
      if (o['max-perms'] !== undefined) p.maxPerms = o['max-perms'];
      if (o.valid !== undefined) p.valid = o.valid;
      if (p.sigma !== undefined && p.sigmaGrid !== undefined)
        throw new Error('give either --sigma or --sigma-grid, not both');
      return p;
    },
    validSize(p) {
      if (p.sigma !== undefined) return 0;
      const grid = p.sigmaGrid as number[] | undefined;
      if (grid && grid.length === 1) return 0;
      return (p.valid as number | undefined) ?? 200;
    },
    modelInfo(m) {
      const d = (
        m as unknown as {
          data?: { sigma?: number; perms?: Int32Array; solver?: string; info?: Record<string, unknown> };
        }
      ).data;
      if (!d) return undefined;
      const info: Record<string, unknown> = {
        sigma: d.sigma,
        nPerms: d.perms ? d.perms.length / m.z.length : undefined,
        solver: d.solver,
      };
      if (d.info?.sigmaTrials) info.sigmaTrials = d.info.sigmaTrials;
      // which linear algebra the solve ran on (the study's time estimate reads it)
      if (typeof d.info?.linalg === 'string') info.linalg = d.info.linalg;
      if (typeof d.info?.precondLinalg === 'string') info.precondLinalg = d.info.precondLinalg;
      if (typeof d.info?.precondStorage === 'string') info.precondStorage = d.info.precondStorage;
      // CG solves: iterations per σ tried (what a trial costs; the study's time estimate is fitted to it)
      const iterations = Object.entries(d.info ?? {})
        .filter(([k, v]) => k.startsWith('cgIterations_sigma') && typeof v === 'number')
        .map(([k, v]) => [k.slice('cgIterations_sigma'.length), v]);
      if (iterations.length) info.cgIterations = Object.fromEntries(iterations);
      // … and the relative residual each solve reached (above the tolerance: stopped at the iteration cap)
      const residuals = Object.entries(d.info ?? {})
        .filter(([k, v]) => k.startsWith('cgRelResidual_sigma') && typeof v === 'number')
        .map(([k, v]) => [k.slice('cgRelResidual_sigma'.length), v]);
      if (residuals.length) info.cgRelResidual = Object.fromEntries(residuals);
      return info;
    },
    // the σ search starts at the σ chosen for the fold at the smaller size (sgdml/sigmaSearch.ts)
    warmStart(prior) {
      const s = prior.modelInfo?.sigma;
      return typeof s === 'number' && s > 0 ? { sigmaStart: s } : undefined;
    },
    // CG folds trained before the 20th session stored the preconditioner in float64 (no record of it)
    retrainParams(fold) {
      const info = fold.modelInfo;
      if (info?.solver !== 'cg') return undefined;
      return { precondStorage: typeof info.precondStorage === 'string' ? info.precondStorage : 'f64' };
    },
  },
};

/** Model kinds that can be trained now. */
export function modelKinds(): ModelKind[] {
  return Object.keys(entries) as ModelKind[];
}

/** The registry entry of a kind (throws a readable error for unknown or not-yet-available kinds). */
export function getModelEntry(kind: string): ModelEntry {
  const e = entries[kind as ModelKind];
  if (!e)
    throw new Error(`unknown or not yet available model "${kind}" (available: ${modelKinds().join(', ')})`);
  return e;
}

/** Register (or replace) a model entry at run time, e.g. from a test or a plug-in. */
export function registerModel(entry: ModelEntry): void {
  entries[entry.kind] = entry;
}
