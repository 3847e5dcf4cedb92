/** SchNet as a Trainer / ForceField (see ./schnet for the architecture). */
import type { Dataset } from '../../data/dataset';
import type { SerializedModel, Trainer } from '../types';
import { deserializeNet, type NNForceField } from '../nn-common/net';
import type { NNTrainOptions, NNTrainParams } from '../nn-common/train';
import { trainAtomistic, type TrainedNN } from '../nn-common/trainer';
import { SCHNET_DEFAULTS, SchNetNet, type SchNetConfig } from './schnet';

export { SCHNET_DEFAULTS, SchNetNet, type SchNetConfig } from './schnet';

export type SchNetParams = Partial<SchNetConfig> & NNTrainParams;

function archOf(p: SchNetParams): Partial<SchNetConfig> {
  const out: Partial<SchNetConfig> = {};
  for (const k of Object.keys(SCHNET_DEFAULTS) as (keyof SchNetConfig)[])
    if (p[k] !== undefined) (out as Record<string, unknown>)[k] = p[k];
  return out;
}

export const schnetTrainer = {
  kind: 'schnet' as const,
  train(ds: Dataset, trainIdx: Int32Array, params: SchNetParams, opts: NNTrainOptions): Promise<TrainedNN> {
    return trainAtomistic(
      (stats) => new SchNetNet(ds.z, stats, archOf(params), opts.seed ?? 0),
      ds,
      trainIdx,
      params,
      opts,
    );
  },
} satisfies Trainer<SchNetParams>;

/** Rebuilds a serialised SchNet bit-identically. */
export function deserializeSchNet(m: SerializedModel): NNForceField {
  return deserializeNet(
    m,
    'schnet',
    'SchNet',
    (p) => new SchNetNet(Int32Array.from(p.z), p.stats, p.config as Partial<SchNetConfig>),
  );
}
