/**
 * Glue from the Trainer interface to the shared training loop: validation split, energy statistics,
 * building the net, training, wrapping the result as a ForceField.
 */
import type { Dataset } from '../../data/dataset';
import { energyStats, NNForceField, type AtomisticNet, type EnergyStats } from './net';
import {
  splitValidation,
  trainNet,
  type NNTrainOptions,
  type NNTrainParams,
  type NNTrainResult,
} from './train';

/** A trained NN force field together with its full training record. */
export class TrainedNN extends NNForceField {
  constructor(
    net: AtomisticNet,
    readonly result: NNTrainResult,
  ) {
    const last = result.history[result.bestEpoch - 1];
    super(net, {
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      seconds: Math.round(result.seconds * 10) / 10,
      stoppedBy: result.stoppedBy,
      trainSize: result.trainSize,
      validSize: result.validSize,
      ...(last ? { validMaeE: last.validMaeE, validMaeF: last.validMaeF } : {}),
    });
  }
}

export async function trainAtomistic(
  build: (stats: EnergyStats) => AtomisticNet,
  ds: Dataset,
  trainIdx: Int32Array,
  params: NNTrainParams,
  opts: NNTrainOptions,
): Promise<TrainedNN> {
  if (!ds.E || !ds.F) throw new Error('training a neural network needs energies and forces in the dataset');
  let train = trainIdx;
  let valid = opts.validIdx;
  if (!valid || valid.length === 0) {
    const s = splitValidation(trainIdx, params.validFraction ?? 0.1, opts.seed ?? 0);
    train = s.train;
    valid = s.valid;
  }
  const net = build(energyStats(ds.E, train, ds.nAtoms));
  try {
    const result = await trainNet(net, ds, train, valid, params, opts);
    return new TrainedNN(net, result);
  } catch (e) {
    net.dispose();
    throw e;
  }
}
