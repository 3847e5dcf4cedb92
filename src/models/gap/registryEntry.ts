/**
 * The GAP entry of src/models/registry.ts (options for `pes experiment --model gap …` and the app's form).
 * Values are strings or numbers; energies accept an `eV` suffix (see options.ts).
 */
import type { ModelEntry, ModelOption } from '../registry.ts';
import type { ForceField, Trainer } from '../types.ts';
import { gapParamsFromOptions } from './options.ts';
import { wasmGemmKernel } from '../../compute/wasmGemm.ts';

const gapOptions: ModelOption[] = [
  {
    name: 'preset',
    type: 'string',
    choices: ['paper', 'fast'],
    help: 'paper (n_max 12, l_max 6; default) or fast (8, 4)',
  },
  { name: 'cutoff', type: 'string', help: 'SOAP cutoff, Å (default 5)' },
  {
    name: 'transition-width',
    type: 'string',
    help: 'cosine transition width below the cutoff, Å (default 0.5)',
  },
  { name: 'n-max', type: 'string', help: 'radial basis size' },
  { name: 'l-max', type: 'string', help: 'angular basis size' },
  { name: 'atom-sigma', type: 'string', help: 'Gaussian width of atom densities, Å (default 0.3)' },
  { name: 'zeta', type: 'string', help: 'kernel exponent ζ (default 2)' },
  { name: 'delta', type: 'string', help: 'kernel scale δ, kcal/mol or e.g. 0.25eV (default 0.25eV)' },
  { name: 'sigma-e', type: 'string', help: 'energy regulariser, kcal/mol or e.g. 0.001eV (default)' },
  { name: 'sigma-f', type: 'string', help: 'force regulariser, kcal/mol/Å or e.g. 0.2eV (default)' },
  { name: 'n-sparse', type: 'string', help: 'sparse points per element (default 500)' },
  { name: 'sparse-method', type: 'string', choices: ['cur', 'random'], help: 'cur (default) or random' },
  { name: 'e0', type: 'string', help: "'average' (default) or isolated-atom energies Z=value,…" },
];

export const gapEntry: ModelEntry = {
  kind: 'gap',
  label: 'GAP/SOAP',
  options: gapOptions,
  bestRule: 'energy',
  async create() {
    const { GapTrainer } = await import('./gap.ts');
    return new GapTrainer() as unknown as Trainer;
  },
  parseOptions(raw) {
    const s: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (v === undefined) continue;
      if (!gapOptions.some((o) => o.name === k))
        throw new Error(
          `model gap has no option --${k} (options: ${gapOptions.map((o) => '--' + o.name).join(', ')})`,
        );
      s[k] = String(v);
    }
    return { ...gapParamsFromOptions(s) } as unknown as Record<string, unknown>;
  },
  validSize() {
    return 0;
  },
  modelInfo(m: ForceField) {
    const d = (m as unknown as { data?: { blocks?: { Z: number; M: number }[] } }).data;
    if (!d?.blocks) return undefined;
    return {
      sparsePoints: Object.fromEntries(d.blocks.map((b) => [`Z${b.Z}`, b.M])),
      // from the 21st session: products on matrices packed once in WebAssembly memory (≈ 1.3× faster
      // folds, the same numbers); the study's time estimate tells such folds from older ones by it
      linalg: wasmGemmKernel() ? 'wasm-packed' : 'js',
    };
  },
};
