import type { Dataset } from '../data/dataset';

/** Energies (kcal/mol) and forces (kcal/mol/Å) for a batch of geometries. */
export interface Prediction {
  E: Float64Array;
  F: Float64Array;
  /** Optional predictive variance of the energy per geometry ((kcal/mol)²), for models that know it. */
  varE?: Float64Array;
}

/** What a prediction computes beyond energies and forces. */
export interface PredictOptions {
  /** The energy variance, for models that know it (default true); off where nobody reads it (CV tests). */
  variance?: boolean;
}

/** A trained model. R is flat (nConf * nAtoms * 3), Å. */
export interface ForceField {
  readonly kind: ModelKind;
  readonly z: Int32Array;
  predict(R: Float64Array, nConf: number, options?: PredictOptions): Prediction;
  /** Compact JSON-safe serialisation (binary arrays base64 or plain arrays are up to the model). */
  serialize(): SerializedModel;
}

export type ModelKind = 'sgdml' | 'gap' | 'schnet' | 'bpnn' | 'mixture';

export interface SerializedModel {
  kind: ModelKind;
  version: number;
  /** Model-specific payload; typed arrays encoded by src/models/serialize.ts helpers. */
  payload: unknown;
}

export interface TrainProgress {
  /** Short stage name, e.g. "kernel", "solve", "sigma", "epoch". */
  stage: string;
  /** 0..1 within the whole training call. */
  fraction: number;
  message?: string;
  /** Optional numbers to plot live (e.g. loss values). */
  metrics?: Record<string, number>;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  seed?: number;
}

export interface Trainer<P = Record<string, unknown>> {
  readonly kind: ModelKind;
  /** Train on the frames `trainIdx` of ds (validIdx optional, for σ search or early stopping). */
  train(
    ds: Dataset,
    trainIdx: Int32Array,
    params: P,
    opts: TrainOptions & { validIdx?: Int32Array },
  ): Promise<ForceField>;
}
