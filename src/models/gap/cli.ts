/**
 * The `pes train --model gap` branch: options → GapParams, training with progress and Ctrl-C, a summary line.
 * Kept here (not in scripts/) so the CLI file only needs one line per model.
 */
import type { Dataset } from '../../data/dataset.ts';
import type { ForceField, TrainProgress } from '../types.ts';
import { trainGap } from './gap.ts';
import { gapParamsFromOptions, GAP_OPTION_HELP } from './options.ts';

export { GAP_OPTION_HELP };

const KEYS = [
  'preset',
  'cutoff',
  'transition-width',
  'n-max',
  'l-max',
  'atom-sigma',
  'zeta',
  'delta',
  'sigma-e',
  'sigma-f',
  'n-sparse',
  'sparse-method',
  'e0',
];

export async function trainGapFromArgs(
  ds: Dataset,
  trainIdx: Int32Array,
  args: Record<string, unknown>,
  onProgress: (p: TrainProgress) => void,
  UserError: new (msg: string) => Error,
): Promise<ForceField> {
  const opts: Record<string, string | undefined> = {};
  for (const k of KEYS) if (typeof args[k] === 'string') opts[k] = args[k] as string;
  let params;
  try {
    params = gapParamsFromOptions(opts);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const ac = new AbortController();
  const onInt = () => {
    process.stderr.write('\ninterrupted: stopping training…\n');
    ac.abort();
  };
  process.once('SIGINT', onInt);
  const t0 = performance.now();
  try {
    const seed = typeof args['seed'] === 'string' ? Number(args['seed']) : 1;
    const model = await trainGap(ds, trainIdx, params, { signal: ac.signal, onProgress, seed });
    const counts = model.data.blocks.map((b) => `Z=${b.Z}: ${b.M}`).join(', ');
    console.log(
      `GAP: ${trainIdx.length} configurations, SOAP n_max ${params.nMax} l_max ${params.lMax} cutoff ${params.cutoff} Å (dim ${model.soap.dim}), sparse points ${counts} (${params.sparseMethod}), ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return model;
  } finally {
    process.off('SIGINT', onInt);
  }
}
