/**
 * The Train form's per-model fields, with the paper's defaults, and their conversion to the
 * CLI-style options the worker's registry entry parses (`pes train`/`pes experiment` flag names).
 * Values are kept as strings (what the inputs hold); an empty value means "the model's default".
 */
export type TrainKind = 'sgdml' | 'gap' | 'schnet' | 'bpnn';

export const TRAIN_KINDS: { kind: TrainKind; label: string; hint: string }[] = [
  { kind: 'sgdml', label: 'sGDML', hint: 'global symmetric gradient-domain kernel model, float64' },
  { kind: 'gap', label: 'GAP/SOAP', hint: 'local SOAP descriptors with a sparse Gaussian process' },
  { kind: 'schnet', label: 'SchNet', hint: 'message-passing neural network, trained with tfjs' },
  { kind: 'bpnn', label: 'BPNN', hint: 'Behler–Parrinello symmetry functions + element networks' },
];

export interface FieldSpec {
  /** Option name as the CLI flag (or a form-only name such as sigma-mode). */
  name: string;
  label: string;
  unit?: string;
  type: 'number' | 'text' | 'select';
  choices?: { value: string; label: string }[];
  default: string;
  help: string;
  /** Shown only when another field has one of these values. */
  when?: { field: string; values: string[] };
  step?: string;
}

const nnCommon: FieldSpec[] = [
  {
    name: 'epochs',
    label: 'Epochs (max)',
    type: 'number',
    default: '1000',
    help: 'early stopping ends sooner',
  },
  { name: 'batch', label: 'Batch size', type: 'number', default: '10', help: 'frames per mini-batch' },
  { name: 'lr', label: 'Learning rate', type: 'number', default: '0.001', step: 'any', help: 'Adam' },
  {
    name: 'rho',
    label: 'Energy weight ρ',
    type: 'number',
    default: '0.1',
    step: 'any',
    help: 'loss = ρ·MSE(E) + (1 − ρ)·MSE(F)',
  },
  { name: 'patience', label: 'Early-stop patience', unit: 'epochs', type: 'number', default: '30', help: '' },
  {
    name: 'max-seconds',
    label: 'Time budget',
    unit: 's',
    type: 'number',
    default: '',
    help: 'empty: no limit',
  },
  { name: 'cutoff', label: 'Cutoff', unit: 'Å', type: 'number', default: '5', step: 'any', help: '' },
];

export const FIELDS: Record<TrainKind, FieldSpec[]> = {
  sgdml: [
    {
      name: 'sigma-mode',
      label: 'Length scale σ',
      type: 'select',
      choices: [
        { value: 'grid', label: 'search a grid (validation force RMSE)' },
        { value: 'fixed', label: 'fixed σ' },
      ],
      default: 'grid',
      help: 'the search stops once the validation error rises',
    },
    {
      name: 'sigma-grid',
      label: 'σ grid',
      type: 'text',
      default: '10,20,30,40,50,60,70,80,90',
      help: 'comma-separated, the reference sGDML grid',
      when: { field: 'sigma-mode', values: ['grid'] },
    },
    {
      name: 'sigma-start',
      label: 'Start the search at σ',
      type: 'number',
      default: '',
      step: 'any',
      help: 'empty: the smallest. From a σ chosen before: 2–3 trials, skipping the slow small σ',
      when: { field: 'sigma-mode', values: ['grid'] },
    },
    {
      name: 'sigma',
      label: 'σ',
      type: 'number',
      default: '20',
      step: 'any',
      help: '',
      when: { field: 'sigma-mode', values: ['fixed'] },
    },
    {
      name: 'descriptor',
      label: 'Descriptor',
      type: 'select',
      choices: [
        { value: 'inv', label: '1/r (default)' },
        { value: 'inv+ang', label: '[1/r + ang] (bonded angles, dihedrals)' },
      ],
      default: 'inv',
      help: '',
    },
    {
      name: 'solver',
      label: 'Solver',
      type: 'select',
      choices: [
        { value: 'auto', label: 'auto (Cholesky when it fits)' },
        { value: 'cholesky', label: 'Cholesky (exact, float64)' },
        { value: 'cg', label: 'conjugate gradient (Nyström preconditioner)' },
      ],
      default: 'auto',
      help: '',
    },
    {
      name: 'kernel-compute',
      label: 'Kernel arithmetic',
      type: 'select',
      choices: [
        { value: 'f64', label: 'float64 (CPU, exact)' },
        { value: 'tfjs-f32', label: 'float32 blocks on tfjs, exact-split (GPU-capable)' },
      ],
      default: 'f64',
      help: 'measured vs float64 at λ = 1e-10: same CG solution and test errors (operator error ≈ 5e-9); slower on CPU',
      when: { field: 'solver', values: ['auto', 'cg'] },
    },
    { name: 'lambda', label: 'Regulariser λ', type: 'number', default: '1e-10', step: 'any', help: '' },
  ],
  gap: [
    {
      name: 'preset',
      label: 'Preset',
      type: 'select',
      choices: [
        { value: 'paper', label: 'paper (n_max 12, l_max 6)' },
        { value: 'fast', label: 'fast (n_max 8, l_max 4)' },
      ],
      default: 'paper',
      help: '',
    },
    { name: 'cutoff', label: 'Cutoff', unit: 'Å', type: 'number', default: '5', step: 'any', help: '' },
    { name: 'n-max', label: 'n_max', type: 'number', default: '', help: 'empty: from the preset' },
    { name: 'l-max', label: 'l_max', type: 'number', default: '', help: 'empty: from the preset' },
    { name: 'atom-sigma', label: 'Atom σ', unit: 'Å', type: 'number', default: '0.3', step: 'any', help: '' },
    { name: 'zeta', label: 'ζ', type: 'number', default: '2', step: 'any', help: 'kernel exponent' },
    {
      name: 'delta',
      label: 'δ',
      unit: 'eV',
      type: 'number',
      default: '0.25',
      step: 'any',
      help: 'kernel scale',
    },
    { name: 'sigma-e', label: 'σ_E', unit: 'eV', type: 'number', default: '0.001', step: 'any', help: '' },
    { name: 'sigma-f', label: 'σ_F', unit: 'eV/Å', type: 'number', default: '0.2', step: 'any', help: '' },
    {
      name: 'n-sparse',
      label: 'Sparse points',
      unit: 'per element',
      type: 'number',
      default: '500',
      help: '',
    },
  ],
  schnet: [
    ...nnCommon,
    { name: 'features', label: 'Features', type: 'number', default: '64', help: '' },
    { name: 'interactions', label: 'Interaction blocks', type: 'number', default: '6', help: '' },
    { name: 'gaussians', label: 'Radial Gaussians', type: 'number', default: '25', help: '' },
  ],
  bpnn: [
    ...nnCommon,
    { name: 'hidden', label: 'Hidden layers', type: 'text', default: '25,25', help: 'per element' },
  ],
};

/** Fields whose value is an energy in eV: sent with the `eV` suffix the GAP parser understands. */
const EV_FIELDS = new Set(['delta', 'sigma-e', 'sigma-f']);

export function defaultValues(kind: TrainKind): Record<string, string> {
  return Object.fromEntries(FIELDS[kind].map((f) => [f.name, f.default]));
}

/** Whether a field is shown for the current values. */
export function fieldVisible(f: FieldSpec, values: Record<string, string>): boolean {
  return !f.when || f.when.values.includes(values[f.when.field] ?? '');
}

/** Form values → the raw options for the worker (blank and hidden fields left out). */
export function toOptions(kind: TrainKind, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FIELDS[kind]) {
    if (f.name === 'sigma-mode' || !fieldVisible(f, values)) continue;
    const v = (values[f.name] ?? '').trim();
    if (v === '') continue;
    out[f.name] = kind === 'gap' && EV_FIELDS.has(f.name) ? `${v}eV` : v;
  }
  return out;
}

/** Default sizes per kind (frames): the validation set drives the σ search or early stopping. */
export function defaultSizes(kind: TrainKind): { nTrain: number; nValid: number; nTest: number } {
  switch (kind) {
    case 'sgdml':
      return { nTrain: 100, nValid: 100, nTest: 500 };
    case 'gap':
      return { nTrain: 100, nValid: 0, nTest: 500 };
    default:
      return { nTrain: 200, nValid: 50, nTest: 500 };
  }
}
