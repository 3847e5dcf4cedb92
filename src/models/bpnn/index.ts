/** Behler–Parrinello NN as a Trainer / ForceField (see ./bpnn and ./symmetry). */
import type { Dataset } from '../../data/dataset';
import type { SerializedModel, Trainer } from '../types';
import { deserializeNet, type NNForceField } from '../nn-common/net';
import type { NNTrainOptions, NNTrainParams } from '../nn-common/train';
import { trainAtomistic, type TrainedNN } from '../nn-common/trainer';
import { BPNN_DEFAULTS, BpnnNet, type BpnnConfig } from './bpnn';

export { BPNN_DEFAULTS, BpnnNet, type BpnnConfig } from './bpnn';
export { DEFAULT_ANGULAR, DEFAULT_RADIAL, type AngularSF, type RadialSF } from './symmetry';

export type BpnnParams = Partial<BpnnConfig> & NNTrainParams;

function archOf(p: BpnnParams): Partial<BpnnConfig> {
  const out: Partial<BpnnConfig> = {};
  for (const k of [...Object.keys(BPNN_DEFAULTS), 'scaling'] as (keyof BpnnConfig)[])
    if (p[k] !== undefined) (out as Record<string, unknown>)[k] = p[k];
  return out;
}

export const bpnnTrainer = {
  kind: 'bpnn' as const,
  train(ds: Dataset, trainIdx: Int32Array, params: BpnnParams, opts: NNTrainOptions): Promise<TrainedNN> {
    // Feature scaling from the training frames (the validation split is a subset; close enough and
    // deterministic).
    return trainAtomistic(
      (stats) => new BpnnNet(ds.z, stats, archOf(params), opts.seed ?? 0, ds, trainIdx),
      ds,
      trainIdx,
      params,
      opts,
    );
  },
} satisfies Trainer<BpnnParams>;

/** Rebuilds a serialised BPNN bit-identically. */
export function deserializeBpnn(m: SerializedModel): NNForceField {
  return deserializeNet(
    m,
    'bpnn',
    'BPNN',
    (p) => new BpnnNet(Int32Array.from(p.z), p.stats, p.config as Partial<BpnnConfig>),
  );
}
