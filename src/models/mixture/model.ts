/**
 * Region-gated mixture of local force fields. With region weights w_k(s(R)) from a smooth partition of
 * unity on a scalar coordinate s (weights.ts, coordinate.ts) and sub-models E_k, F_k:
 *
 *   E = Σ_k w_k E_k,     F = −∇E = Σ_k w_k F_k − (Σ_k E_k dw_k/ds) ∇s.
 *
 * E and F are continuous (w is C² in s) and F = −∇E holds exactly wherever each F_k = −∇E_k. Only the
 * sub-models with a non-zero weight are evaluated.
 */
import type { ForceField, Prediction, PredictOptions, SerializedModel } from '../types';
import { checkCoordinate, coordinateRange, coordinateValueGrad, type RegionCoordinate } from './coordinate';
import { checkPartition, partitionWeights, regionCount, type RegionPartition } from './weights';

export interface MixtureData {
  z: Int32Array;
  coordinate: RegionCoordinate;
  partition: RegionPartition;
  /** One model per region, in the order of the regions (increasing s). */
  models: ForceField[];
  /**
   * Optional per-region energy calibration E_k + a_k + b_k·s (kcal/mol, kcal/mol per coordinate unit),
   * fitted on each region's training frames; it removes the offset and tilt that force-only sub-models
   * carry across a wide region, so neighbouring models agree better in the blend bands.
   */
  calibration?: { a: number[]; b: number[] };
  /** Free-form facts (training frames per region, timings …). */
  info?: Record<string, unknown>;
}

export class MixtureModel implements ForceField {
  readonly kind = 'mixture' as const;

  constructor(readonly data: MixtureData) {
    const N = data.z.length;
    checkCoordinate(data.coordinate, N);
    checkPartition(data.partition, coordinateRange(data.coordinate));
    const K = regionCount(data.partition);
    if (data.models.length !== K)
      throw new Error(`mixture: ${K} regions need ${K} models, got ${data.models.length}`);
    if (data.calibration && (data.calibration.a.length !== K || data.calibration.b.length !== K))
      throw new Error(`mixture: calibration needs ${K} offsets and slopes`);
    data.models.forEach((m, k) => {
      if (m.z.length !== N || m.z.some((v, i) => v !== data.z[i]))
        throw new Error(`mixture: model of region ${k} is for a different molecule (atoms differ)`);
    });
  }

  get z(): Int32Array {
    return this.data.z;
  }

  /** Coordinate value and region weights of each frame (for plots and tests). */
  regionWeights(R: Float64Array, nConf: number): { s: Float64Array; w: Float64Array[] } {
    const n3 = 3 * this.z.length;
    const K = regionCount(this.data.partition);
    const s = new Float64Array(nConf);
    const w: Float64Array[] = [];
    const dw = new Float64Array(K);
    for (let m = 0; m < nConf; m++) {
      s[m] = coordinateValueGrad(this.data.coordinate, R, m * n3);
      const wm = new Float64Array(K);
      partitionWeights(this.data.partition, s[m], wm, dw);
      w.push(wm);
    }
    return { s, w };
  }

  predict(R: Float64Array, nConf: number, options: PredictOptions = {}): Prediction {
    const n3 = 3 * this.z.length;
    const K = this.data.models.length;
    if (R.length !== nConf * n3) throw new Error(`mixture: R has ${R.length} values, expected ${nConf * n3}`);
    const W = new Float64Array(nConf * K),
      DW = new Float64Array(nConf * K);
    const G = new Float64Array(nConf * n3);
    const S = new Float64Array(nConf);
    const cal = this.data.calibration;
    const w = new Float64Array(K),
      dw = new Float64Array(K),
      g = new Float64Array(n3);
    for (let m = 0; m < nConf; m++) {
      const s = coordinateValueGrad(this.data.coordinate, R, m * n3, g);
      S[m] = s;
      partitionWeights(this.data.partition, s, w, dw);
      W.set(w, m * K);
      DW.set(dw, m * K);
      G.set(g, m * n3);
    }
    const E = new Float64Array(nConf);
    const F = new Float64Array(nConf * n3);
    const dEds = new Float64Array(nConf);
    let varE: Float64Array | undefined = options.variance === false ? undefined : new Float64Array(nConf);
    for (let k = 0; k < K; k++) {
      const idx: number[] = [];
      for (let m = 0; m < nConf; m++) if (W[m * K + k] > 0 || DW[m * K + k] !== 0) idx.push(m);
      if (idx.length === 0) continue;
      const Rk = new Float64Array(idx.length * n3);
      idx.forEach((m, i) => Rk.set(R.subarray(m * n3, (m + 1) * n3), i * n3));
      const p = this.data.models[k].predict(Rk, idx.length, options);
      if (!p.varE) varE = undefined;
      const a = cal ? cal.a[k] : 0,
        b = cal ? cal.b[k] : 0;
      idx.forEach((m, i) => {
        const wk = W[m * K + k];
        const ek = p.E[i] + a + b * S[m];
        E[m] += wk * ek;
        dEds[m] += DW[m * K + k] * ek + wk * b;
        if (varE && p.varE) varE[m] += wk * p.varE[i];
        for (let q = 0; q < n3; q++) F[m * n3 + q] += wk * p.F[i * n3 + q];
      });
    }
    for (let m = 0; m < nConf; m++) {
      const d = dEds[m];
      if (d !== 0) for (let q = 0; q < n3; q++) F[m * n3 + q] -= d * G[m * n3 + q];
    }
    return varE ? { E, F, varE } : { E, F };
  }

  serialize(): SerializedModel {
    const d = this.data;
    return {
      kind: 'mixture',
      version: 1,
      payload: {
        z: Array.from(d.z),
        coordinate: d.coordinate,
        partition: d.partition,
        models: d.models.map((m) => m.serialize()),
        calibration: d.calibration,
        info: d.info,
      },
    };
  }
}

/** Rebuilds a mixture; `load` turns each serialised sub-model back into a ForceField (src/models/load.ts). */
export async function deserializeMixture(
  s: SerializedModel,
  load: (s: SerializedModel) => Promise<ForceField>,
): Promise<MixtureModel> {
  if (s.kind !== 'mixture') throw new Error(`not a mixture model (kind ${s.kind})`);
  if (s.version !== 1) throw new Error(`mixture model version ${s.version} is not supported`);
  const p = s.payload as Record<string, unknown>;
  if (!p || !Array.isArray(p.models) || !Array.isArray(p.z))
    throw new Error('mixture model: payload needs "z" and "models"');
  const models: ForceField[] = [];
  for (const m of p.models as SerializedModel[]) models.push(await load(m));
  return new MixtureModel({
    z: Int32Array.from(p.z as number[]),
    coordinate: p.coordinate as RegionCoordinate,
    partition: p.partition as RegionPartition,
    models,
    calibration: p.calibration as MixtureData['calibration'],
    info: p.info as Record<string, unknown> | undefined,
  });
}
