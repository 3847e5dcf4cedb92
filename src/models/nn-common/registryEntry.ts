/**
 * The SchNet and BPNN entries of src/models/registry.ts (options for `pes experiment --model schnet|bpnn`
 * and the app's Train form). Option names follow the CLI flags of ./cli.ts; values may be strings (CLI,
 * form fields) or numbers. The trainers are the ones of src/models/{schnet,bpnn}; their train() also
 * accepts NNTrainOptions (pause `control`, `keepBestOnAbort`) through the Trainer's opts object.
 */
import type { ModelEntry, ModelOption } from '../registry.ts';
import type { ForceField, Trainer } from '../types.ts';

const commonOptions: ModelOption[] = [
  { name: 'epochs', type: 'number', help: 'maximum epochs (default 1000)' },
  { name: 'max-seconds', type: 'number', help: 'wall-clock budget in seconds (default none)' },
  { name: 'batch', type: 'number', help: 'mini-batch size (default 10)' },
  { name: 'lr', type: 'number', help: 'Adam learning rate (default 1e-3)' },
  { name: 'rho', type: 'number', help: 'energy weight ρ in the loss ρ·MSE(E) + (1−ρ)·MSE(F) (default 0.1)' },
  { name: 'patience', type: 'number', help: 'early-stopping patience in epochs (default 30)' },
  {
    name: 'valid',
    type: 'number',
    help: 'validation frames for early stopping, drawn outside the training set (default 10 % of it)',
  },
  {
    name: 'pairs',
    type: 'string',
    choices: ['auto', 'dense', 'neighbour'],
    help: 'all pairs or neighbour lists per batch (default auto)',
  },
  { name: 'cutoff', type: 'number', help: 'cutoff radius, Å (default 5)' },
];

const schnetOptions: ModelOption[] = [
  ...commonOptions,
  { name: 'features', type: 'number', help: 'feature dimension (default 64)' },
  { name: 'interactions', type: 'number', help: 'interaction blocks (default 6)' },
  { name: 'gaussians', type: 'number', help: 'Gaussian radial basis functions (default 25)' },
];

const bpnnOptions: ModelOption[] = [
  ...commonOptions,
  { name: 'hidden', type: 'numbers', help: 'hidden layer sizes per element network (default 25,25)' },
];

/** Typed option values as declared (no import of the registry, which imports this file). */
function parseDeclared(options: ModelOption[], raw: Record<string, unknown>, kind: string) {
  const out: Record<string, unknown> = {};
  const num = (k: string, s: unknown) => {
    const x = typeof s === 'number' ? s : Number(String(s).trim());
    if (String(s).trim() === '' || !Number.isFinite(x))
      throw new Error(`--${k}: "${String(s)}" is not a number`);
    return x;
  };
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === '') continue;
    const o = options.find((x) => x.name === k);
    if (!o)
      throw new Error(
        `model ${kind} has no option --${k} (options: ${options.map((x) => '--' + x.name).join(', ')})`,
      );
    if (o.type === 'number') out[k] = num(k, v);
    else if (o.type === 'numbers')
      out[k] = (Array.isArray(v) ? v : String(v).split(',')).map((x: unknown) => num(k, x));
    else {
      if (o.choices && !o.choices.includes(String(v)))
        throw new Error(`--${k}: "${String(v)}" is not one of ${o.choices.join(', ')}`);
      out[k] = String(v);
    }
  }
  return out;
}

function positiveInt(v: unknown, name: string): number {
  const x = v as number;
  if (!Number.isInteger(x) || x < 1) throw new Error(`--${name} needs a positive integer, got ${String(v)}`);
  return x;
}
function positive(v: unknown, name: string): number {
  const x = v as number;
  if (!(x > 0)) throw new Error(`--${name} needs a positive number, got ${String(v)}`);
  return x;
}

/** CLI-style options → NNTrainParams plus the architecture fields (only what was given). */
function parseNN(kind: 'schnet' | 'bpnn', raw: Record<string, unknown>): Record<string, unknown> {
  const o = parseDeclared(kind === 'schnet' ? schnetOptions : bpnnOptions, raw, kind);
  const p: Record<string, unknown> = {};
  if (o.epochs !== undefined) p.maxEpochs = positiveInt(o.epochs, 'epochs');
  if (o['max-seconds'] !== undefined) p.maxSeconds = positive(o['max-seconds'], 'max-seconds');
  if (o.batch !== undefined) p.batchSize = positiveInt(o.batch, 'batch');
  if (o.lr !== undefined) p.lr = positive(o.lr, 'lr');
  if (o.rho !== undefined) {
    const r = o.rho as number;
    if (!(r >= 0 && r <= 1)) throw new Error(`--rho must be between 0 and 1, got ${r}`);
    p.rho = r;
  }
  if (o.patience !== undefined) p.earlyStopPatience = positiveInt(o.patience, 'patience');
  if (o.valid !== undefined) p.valid = positiveInt(o.valid, 'valid');
  if (o.pairs !== undefined) p.pairMode = o.pairs;
  if (o.cutoff !== undefined) p.cutoff = positive(o.cutoff, 'cutoff');
  if (kind === 'schnet') {
    if (o.features !== undefined) p.features = positiveInt(o.features, 'features');
    if (o.interactions !== undefined) p.interactions = positiveInt(o.interactions, 'interactions');
    if (o.gaussians !== undefined) p.nGaussians = positiveInt(o.gaussians, 'gaussians');
  } else if (o.hidden !== undefined) {
    const h = o.hidden as number[];
    if (h.length === 0) throw new Error('--hidden needs at least one layer size');
    p.hidden = h.map((x) => positiveInt(x, 'hidden'));
  }
  return p;
}

/** Second-order gradients need the tfjs fixes; in Node the wasm backend is set up too (tfjs-ready.ts). */
async function prepareTfjs(): Promise<void> {
  const { ensureTfjsBackend } = await import('../../compute/tfjs-ready.ts');
  await ensureTfjsBackend();
}

function nnInfo(m: ForceField): Record<string, unknown> | undefined {
  const t = (m as unknown as { training?: Record<string, unknown> }).training;
  if (!t) return undefined;
  const keys = ['epochs', 'bestEpoch', 'stoppedBy', 'seconds', 'validMaeE', 'validMaeF'];
  return Object.fromEntries(keys.filter((k) => t[k] !== undefined).map((k) => [k, t[k]]));
}

export const schnetEntry: ModelEntry = {
  kind: 'schnet',
  label: 'SchNet',
  options: schnetOptions,
  bestRule: 'energy',
  async create() {
    await prepareTfjs();
    const { schnetTrainer } = await import('../schnet/index.ts');
    return schnetTrainer as unknown as Trainer;
  },
  parseOptions: (raw) => parseNN('schnet', raw),
  validSize: (p) => (p.valid as number | undefined) ?? 0,
  modelInfo: nnInfo,
};

export const bpnnEntry: ModelEntry = {
  kind: 'bpnn',
  label: 'BPNN',
  options: bpnnOptions,
  bestRule: 'energy',
  async create() {
    await prepareTfjs();
    const { bpnnTrainer } = await import('../bpnn/index.ts');
    return bpnnTrainer as unknown as Trainer;
  },
  parseOptions: (raw) => parseNN('bpnn', raw),
  validSize: (p) => (p.valid as number | undefined) ?? 0,
  modelInfo: nnInfo,
};
