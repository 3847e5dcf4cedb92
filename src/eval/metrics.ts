/**
 * Error metrics, all accumulated in float64 (SCIENCE.md §2). Energies kcal/mol, forces kcal/mol/Å.
 * Force errors are taken over every Cartesian component (3N per frame), as the reference sGDML and the
 * paper report them.
 */

/** MAE/RMSE of energies and force components over a set of frames. */
export interface ErrorStats {
  /** Frames. */
  n: number;
  eMae: number;
  eRmse: number;
  fMae: number;
  fRmse: number;
  /** Largest absolute energy error (kcal/mol) and force-component error (kcal/mol/Å). */
  eMax: number;
  fMax: number;
}

/** Running sums for {@link ErrorStats}; add frames then read {@link finish}. */
export class ErrorAccumulator {
  n = 0;
  private eAbs = 0;
  private eSq = 0;
  private fAbs = 0;
  private fSq = 0;
  private fN = 0;
  private eMax = 0;
  private fMax = 0;
  /** Add frame errors: energy error (pred − ref) and the 3N force-component errors. */
  add(eErr: number, fErr: ArrayLike<number> | null, fOff = 0, fLen = fErr ? fErr.length : 0): void {
    this.n++;
    const a = Math.abs(eErr);
    this.eAbs += a;
    this.eSq += eErr * eErr;
    if (a > this.eMax) this.eMax = a;
    if (fErr) {
      for (let i = fOff; i < fOff + fLen; i++) {
        const d = fErr[i];
        const b = Math.abs(d);
        this.fAbs += b;
        this.fSq += d * d;
        if (b > this.fMax) this.fMax = b;
      }
      this.fN += fLen;
    }
  }
  finish(): ErrorStats {
    const n = this.n;
    return {
      n,
      eMae: n ? this.eAbs / n : NaN,
      eRmse: n ? Math.sqrt(this.eSq / n) : NaN,
      fMae: this.fN ? this.fAbs / this.fN : NaN,
      fRmse: this.fN ? Math.sqrt(this.fSq / this.fN) : NaN,
      eMax: n ? this.eMax : NaN,
      fMax: this.fN ? this.fMax : NaN,
    };
  }
}

/** Errors of predictions vs references for frames 0..n−1 of the arrays (E length n, F length n·3N). */
export function errorStats(
  predE: ArrayLike<number>,
  refE: ArrayLike<number>,
  predF: ArrayLike<number> | null,
  refF: ArrayLike<number> | null,
  nAtoms: number,
): ErrorStats {
  const acc = new ErrorAccumulator();
  const d3 = 3 * nAtoms;
  const buf = new Float64Array(d3);
  for (let m = 0; m < refE.length; m++) {
    if (predF && refF) {
      for (let i = 0; i < d3; i++) buf[i] = predF[m * d3 + i] - refF[m * d3 + i];
      acc.add(predE[m] - refE[m], buf);
    } else acc.add(predE[m] - refE[m], null);
  }
  return acc.finish();
}

/** Per-cluster errors with the cluster's relative population. */
export interface ClusterError extends ErrorStats {
  cluster: number;
  /** Fraction of the evaluated frames in this cluster (0..1). */
  population: number;
}

/**
 * Errors per cluster. `labels[m]` is the cluster of frame m of the prediction arrays; clusters 0..nClusters−1
 * are all reported (empty ones with n = 0 and NaN errors) so that bars line up across models.
 */
export function clusterErrors(
  predE: ArrayLike<number>,
  refE: ArrayLike<number>,
  predF: ArrayLike<number> | null,
  refF: ArrayLike<number> | null,
  nAtoms: number,
  labels: ArrayLike<number>,
  nClusters: number,
): ClusterError[] {
  const accs = Array.from({ length: nClusters }, () => new ErrorAccumulator());
  const d3 = 3 * nAtoms;
  const buf = new Float64Array(d3);
  for (let m = 0; m < refE.length; m++) {
    const c = labels[m];
    if (c < 0 || c >= nClusters) continue;
    if (predF && refF) {
      for (let i = 0; i < d3; i++) buf[i] = predF[m * d3 + i] - refF[m * d3 + i];
      accs[c].add(predE[m] - refE[m], buf);
    } else accs[c].add(predE[m] - refE[m], null);
  }
  const total = accs.reduce((s, a) => s + a.n, 0);
  return accs.map((a, c) => ({ cluster: c, population: total ? a.n / total : 0, ...a.finish() }));
}

/** Predicted vs reference values, subsampled to at most `max` points (evenly spaced) for plotting. */
export interface ParityData {
  eRef: Float64Array;
  ePred: Float64Array;
  fRef: Float64Array;
  fPred: Float64Array;
}

export function parityData(
  predE: ArrayLike<number>,
  refE: ArrayLike<number>,
  predF: ArrayLike<number> | null,
  refF: ArrayLike<number> | null,
  maxE = 5000,
  maxF = 20000,
): ParityData {
  const pick = (len: number, max: number) => {
    const k = Math.min(len, max);
    return Int32Array.from({ length: k }, (_, i) => Math.floor((i * len) / k));
  };
  const ie = pick(refE.length, maxE);
  const iF = refF && predF ? pick(refF.length, maxF) : new Int32Array(0);
  return {
    eRef: Float64Array.from(ie, (i) => refE[i]),
    ePred: Float64Array.from(ie, (i) => predE[i]),
    fRef: Float64Array.from(iF, (i) => refF![i]),
    fPred: Float64Array.from(iF, (i) => predF![i]),
  };
}

/** Errors binned by reference energy (bins of equal width between min and max of refE). */
export interface EnergyBinError extends ErrorStats {
  lo: number;
  hi: number;
}

export function errorVsEnergy(
  predE: ArrayLike<number>,
  refE: ArrayLike<number>,
  predF: ArrayLike<number> | null,
  refF: ArrayLike<number> | null,
  nAtoms: number,
  nBins = 20,
): EnergyBinError[] {
  let lo = Infinity,
    hi = -Infinity;
  for (let i = 0; i < refE.length; i++) {
    lo = Math.min(lo, refE[i]);
    hi = Math.max(hi, refE[i]);
  }
  if (!(hi >= lo)) return [];
  const w = (hi - lo) / nBins || 1;
  const labels = Int32Array.from({ length: refE.length }, (_, i) =>
    Math.min(nBins - 1, Math.floor((refE[i] - lo) / w)),
  );
  return clusterErrors(predE, refE, predF, refF, nAtoms, labels, nBins).map((c, b) => {
    const { cluster: _c, population: _p, ...s } = c;
    void _c;
    void _p;
    return { lo: lo + b * w, hi: lo + (b + 1) * w, ...s };
  });
}

/** Errors at each point of a path (e.g. the 17 points of a rotation path). */
export interface PathPointError {
  /** Point index along the path. */
  index: number;
  eRef: number;
  ePred: number;
  /** Energies relative to the first point (kcal/mol), reference and prediction. */
  eRefRel: number;
  ePredRel: number;
  eErr: number;
  /** RMSE and max |error| over the point's force components. */
  fRmse: number;
  fMax: number;
}

export function pathErrors(
  predE: ArrayLike<number>,
  refE: ArrayLike<number>,
  predF: ArrayLike<number> | null,
  refF: ArrayLike<number> | null,
  nAtoms: number,
): PathPointError[] {
  const d3 = 3 * nAtoms;
  const out: PathPointError[] = [];
  for (let m = 0; m < refE.length; m++) {
    let sq = 0,
      mx = 0;
    if (predF && refF)
      for (let i = 0; i < d3; i++) {
        const d = predF[m * d3 + i] - refF[m * d3 + i];
        sq += d * d;
        mx = Math.max(mx, Math.abs(d));
      }
    out.push({
      index: m,
      eRef: refE[m],
      ePred: predE[m],
      eRefRel: refE[m] - refE[0],
      ePredRel: predE[m] - predE[0],
      eErr: predE[m] - refE[m],
      fRmse: predF && refF ? Math.sqrt(sq / d3) : NaN,
      fMax: predF && refF ? mx : NaN,
    });
  }
  return out;
}

/** Mean and sample standard deviation (n − 1; 0 for a single value), ignoring NaN. */
export function meanStd(values: readonly number[]): {
  mean: number;
  std: number;
  min: number;
  max: number;
  n: number;
} {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (!n) return { mean: NaN, std: NaN, min: NaN, max: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...v), max: Math.max(...v), n };
}
