import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { GapModel, GapTrainer, deserializeGap, trainGap, type GapParams } from '../../src/models/gap/gap.ts';
import { leverageScores, makeRng, selectSparse } from '../../src/models/gap/sparse.ts';
import { setWasmGemmEnabled } from '../../src/compute/wasmGemm.ts';

// ethanol-like reference geometry (C C O H×6), Å
const Z = Int32Array.from([6, 6, 8, 1, 1, 1, 1, 1, 1]);
const R0 = Float64Array.from([
  0.4016, 0.3857, 0.0794, -0.8326, 0.6311, -0.9177, 0.429, -0.9282, 0.6915, 1.3887, 0.5941, -0.2057, 0.1711,
  1.1194, 0.9824, -0.5288, 0.1708, -1.9342, -1.6182, -0.0145, -0.509, -0.9515, 1.6993, -0.8827, -0.1363,
  -0.9539, 1.5609,
]);
const N = 9;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A smooth synthetic PES: Morse pairs with equilibrium distances from R0 (kcal/mol, Å). */
function morse(R: Float64Array, off: number, F: Float64Array | null, fOff: number): number {
  let e = 0;
  for (let i = 0; i < N; i++)
    for (let j = i + 1; j < N; j++) {
      const d0 = Math.hypot(
        R0[3 * i] - R0[3 * j],
        R0[3 * i + 1] - R0[3 * j + 1],
        R0[3 * i + 2] - R0[3 * j + 2],
      );
      const v = [0, 1, 2].map((k) => R[off + 3 * i + k] - R[off + 3 * j + k]);
      const d = Math.hypot(v[0], v[1], v[2]);
      const De = d0 < 1.6 ? 80 : 5;
      const a = 1.8;
      const x = Math.exp(-a * (d - d0));
      e += De * (1 - x) * (1 - x);
      if (F) {
        const dEdd = 2 * De * (1 - x) * a * x;
        for (let k = 0; k < 3; k++) {
          F[fOff + 3 * i + k] -= (dEdd * v[k]) / d;
          F[fOff + 3 * j + k] += (dEdd * v[k]) / d;
        }
      }
    }
  return e;
}

function makeDataset(n: number, seed: number, amp = 0.08): Dataset {
  const r = rng(seed);
  const R = new Float64Array(n * 27);
  const E = new Float64Array(n);
  const F = new Float64Array(n * 27);
  for (let m = 0; m < n; m++) {
    for (let c = 0; c < 27; c++) R[m * 27 + c] = R0[c] + amp * (2 * r() - 1);
    E[m] = morse(R, m * 27, F, m * 27) - 1000;
  }
  return { name: 'synthetic', theory: 'Morse', z: Z, nAtoms: N, nFrames: n, R, E, F };
}

const small: Partial<GapParams> = {
  cutoff: 4,
  transitionWidth: 0.5,
  nMax: 4,
  lMax: 3,
  atomSigma: 0.4,
  nSparse: 40,
  sigmaE: 0.02,
  sigmaF: 0.5,
};

describe('GAP model', () => {
  const ds = makeDataset(70, 3);
  const trainIdx = Int32Array.from({ length: 50 }, (_, i) => i);
  const testIdx = Int32Array.from({ length: 20 }, (_, i) => 50 + i);
  let model: GapModel;

  it('trains and beats the constant predictor on held-out data', async () => {
    const stages = new Set<string>();
    model = await trainGap(ds, trainIdx, small, { onProgress: (p) => stages.add(p.stage), seed: 5 });
    expect(stages.has('fit')).toBe(true);
    const R = ds.R.slice(50 * 27, 70 * 27);
    const pr = model.predict(R, 20);
    let eMae = 0;
    let eBase = 0;
    let fMae = 0;
    let fBase = 0;
    const meanE = ds.E!.slice(0, 50).reduce((a, b) => a + b) / 50;
    testIdx.forEach((f, k) => {
      eMae += Math.abs(pr.E[k] - ds.E![f]);
      eBase += Math.abs(meanE - ds.E![f]);
      for (let c = 0; c < 27; c++) {
        fMae += Math.abs(pr.F[k * 27 + c] - ds.F![f * 27 + c]);
        fBase += Math.abs(ds.F![f * 27 + c]);
      }
    });
    expect(eMae).toBeLessThan(0.35 * eBase);
    expect(fMae).toBeLessThan(0.35 * fBase);
  });

  it('equals a dense reference fit (force rows from the full SOAP Jacobian, one QR solve)', async () => {
    const { StreamingQR, cholesky, solveUpper } = await import('../../src/models/gap/smallLinalg.ts');
    const { Soap } = await import('../../src/models/gap/soap.ts');
    const { params, blocks, e0 } = model.data;
    const soap = new Soap(params, model.data.species);
    const D = soap.dim;
    const M = model.nSparse;
    const d2 = params.delta * params.delta;
    // K_MM (block diagonal by species) + jitter, R0 = Lᵀ
    const Kmm = new Float64Array(M * M);
    for (const b of blocks)
      for (let s = 0; s < b.M; s++)
        for (let u = 0; u < b.M; u++) {
          let x = 0;
          for (let e = 0; e < D; e++) x += b.Q[s * D + e] * b.Q[u * D + e];
          Kmm[(b.off + s) * M + b.off + u] = d2 * x * x;
        }
    for (let s = 0; s < M; s++) Kmm[s * M + s] += params.jitter * d2;
    cholesky(Kmm, M);
    const R0 = new Float64Array(M * M);
    for (let s = 0; s < M; s++) for (let u = 0; u <= s; u++) R0[u * M + s] = Kmm[s * M + u];
    const qr = new StreamingQR(M, R0);
    const rows = 28;
    for (const f of trainIdx) {
      const { q, dq } = soap.compute(ds.R, f * 27, Z, true);
      const B = new Float64Array(rows * M);
      const y = new Float64Array(rows);
      let eRef = ds.E![f];
      for (let i = 0; i < N; i++) eRef -= e0[Z[i]];
      y[0] = eRef / params.sigmaE;
      for (let c = 0; c < 27; c++) y[1 + c] = ds.F![f * 27 + c] / params.sigmaF;
      for (const b of blocks)
        for (let i = 0; i < N; i++) {
          if (Z[i] !== b.Z) continue;
          for (let s = 0; s < b.M; s++) {
            let x = 0;
            for (let e = 0; e < D; e++) x += q[i * D + e] * b.Q[s * D + e];
            const col = (b.off + s) * rows;
            B[col] += (d2 * x * x) / params.sigmaE;
            for (let c = 0; c < 27; c++) {
              let g = 0;
              for (let e = 0; e < D; e++) g += b.Q[s * D + e] * dq![(i * 27 + c) * D + e];
              B[col + 1 + c] -= (d2 * 2 * x * g) / params.sigmaF;
            }
          }
        }
      qr.update(B, rows, rows, y);
    }
    const alpha = Float64Array.from(qr.z);
    solveUpper(qr.R, M, alpha);
    const ref = new GapModel({ ...model.data, alpha, Lmm: undefined, Rqr: undefined });
    const R = ds.R.slice(50 * 27, 70 * 27);
    const a = model.predict(R, 20);
    const b = ref.predict(R, 20);
    let eScale = 0;
    let fScale = 0;
    for (let k = 0; k < 20; k++) eScale = Math.max(eScale, Math.abs(b.E[k]));
    for (let k = 0; k < 20 * 27; k++) fScale = Math.max(fScale, Math.abs(b.F[k]));
    for (let k = 0; k < 20; k++) expect(Math.abs(a.E[k] - b.E[k])).toBeLessThan(1e-9 * eScale);
    for (let k = 0; k < 20 * 27; k++) expect(Math.abs(a.F[k] - b.F[k])).toBeLessThan(1e-8 * fScale);
  });

  it('forces are minus the gradient of the predicted energy (finite differences)', () => {
    const X = ds.R.slice(60 * 27, 61 * 27);
    const { F } = model.predict(X, 1);
    const h = 1e-5;
    let maxErr = 0;
    let maxF = 0;
    for (let c = 0; c < 27; c++) {
      const Xp = Float64Array.from(X);
      const Xm = Float64Array.from(X);
      Xp[c] += h;
      Xm[c] -= h;
      const fd = -(model.predict(Xp, 1).E[0] - model.predict(Xm, 1).E[0]) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - F[c]));
      maxF = Math.max(maxF, Math.abs(F[c]));
    }
    expect(maxF).toBeGreaterThan(1);
    expect(maxErr).toBeLessThan(1e-5 * maxF);
  });

  it('energy is invariant to rotation; forces rotate with the molecule', () => {
    const X = ds.R.slice(55 * 27, 56 * 27);
    const [ca, sa] = [Math.cos(0.7), Math.sin(0.7)];
    const Rm = [ca, -sa, 0, sa, ca, 0, 0, 0, 1];
    const Y = new Float64Array(27);
    for (let i = 0; i < 9; i++)
      for (let r = 0; r < 3; r++)
        Y[3 * i + r] =
          Rm[3 * r] * X[3 * i] + Rm[3 * r + 1] * X[3 * i + 1] + Rm[3 * r + 2] * X[3 * i + 2] + 1.5;
    const a = model.predict(X, 1);
    const b = model.predict(Y, 1);
    expect(Math.abs(a.E[0] - b.E[0])).toBeLessThan(1e-9);
    for (let i = 0; i < 9; i++)
      for (let r = 0; r < 3; r++) {
        const rot = Rm[3 * r] * a.F[3 * i] + Rm[3 * r + 1] * a.F[3 * i + 1] + Rm[3 * r + 2] * a.F[3 * i + 2];
        expect(Math.abs(rot - b.F[3 * i + r])).toBeLessThan(1e-8);
      }
  });

  it('predictive variance is small near the data and grows away from it', () => {
    const near = model.predict(ds.R.slice(0, 27), 1).varE!;
    const farDs = makeDataset(1, 99, 0.45);
    const far = model.predict(farDs.R, 1).varE!;
    expect(near[0]).toBeGreaterThanOrEqual(0);
    expect(far[0]).toBeGreaterThan(10 * near[0]);
  });

  it('without the variance (what CV tests ask for) the energies and forces are the same', () => {
    const X = ds.R.slice(10 * 27, 13 * 27);
    const a = model.predict(X, 3);
    const b = model.predict(X, 3, { variance: false });
    expect(a.varE).toBeDefined();
    expect(b.varE).toBeUndefined();
    expect(Array.from(b.E)).toEqual(Array.from(a.E));
    expect(Array.from(b.F)).toEqual(Array.from(a.F));
  });

  it('predicts a batch of geometries as each alone (energies, forces, variance)', () => {
    const n = 11; // more than one batch of eight, the last one partial
    const X = ds.R.slice(40 * 27, (40 + n) * 27);
    const all = model.predict(X, n);
    for (let t = 0; t < n; t++) {
      const one = model.predict(X.slice(t * 27, (t + 1) * 27), 1);
      expect(one.E[0]).toBe(all.E[t]);
      expect(one.varE![0]).toBe(all.varE![t]);
      expect(Array.from(one.F)).toEqual(Array.from(all.F.subarray(t * 27, (t + 1) * 27)));
    }
  });

  it('trains and predicts the same bits on the JavaScript paths as with the WebAssembly kernels', async () => {
    const X = ds.R.slice(50 * 27, 54 * 27);
    const withKernels = model.predict(X, 4);
    setWasmGemmEnabled(false);
    try {
      const plain = await trainGap(ds, trainIdx, small, { seed: 5 });
      const p = plain.predict(X, 4);
      expect(Array.from(p.E)).toEqual(Array.from(withKernels.E));
      expect(Array.from(p.F)).toEqual(Array.from(withKernels.F));
      expect(Array.from(p.varE!)).toEqual(Array.from(withKernels.varE!));
    } finally {
      setWasmGemmEnabled(true);
    }
  });

  it('serialises and deserialises to identical predictions', () => {
    const json = JSON.parse(JSON.stringify(model.serialize()));
    const m2 = deserializeGap(json);
    const X = ds.R.slice(50 * 27, 53 * 27);
    const a = model.predict(X, 3);
    const b = m2.predict(X, 3);
    for (let k = 0; k < 3; k++) expect(b.E[k]).toBe(a.E[k]);
    for (let k = 0; k < a.F.length; k++) expect(b.F[k]).toBe(a.F[k]);
    for (let k = 0; k < 3; k++) expect(b.varE![k]).toBe(a.varE![k]);
  });

  it('the compact form keeps the source frames instead of the descriptors: same predictions, no variance', () => {
    const full = JSON.stringify(model.serialize());
    const text = JSON.stringify(model.serialize({ compact: true }));
    expect(text.length).toBeLessThan(full.length / 3);
    const json = JSON.parse(text);
    expect(json.payload.blocks.every((b: { Q?: string }) => b.Q === undefined)).toBe(true);
    const m2 = deserializeGap(json);
    for (const [k, b] of m2.data.blocks.entries()) expect(b.Q).toEqual(model.data.blocks[k].Q);
    const X = ds.R.slice(50 * 27, 53 * 27);
    const a = model.predict(X, 3);
    const b = m2.predict(X, 3);
    for (let k = 0; k < 3; k++) expect(b.E[k]).toBe(a.E[k]);
    for (let k = 0; k < a.F.length; k++) expect(b.F[k]).toBe(a.F[k]);
    expect(b.varE).toBeUndefined();
    // it can be saved compactly again, and a broken source is refused with a message
    expect(JSON.stringify(m2.serialize({ compact: true }))).toBe(text);
    json.payload.sparseSource.atom[0] = 99;
    expect(() => deserializeGap(json)).toThrow(/sparse point 0 names frame \d+, atom 99/);
  });

  it('uses isolated-atom offsets when given, and the Trainer interface aborts', async () => {
    const m = await trainGap(ds, trainIdx.slice(0, 10), {
      ...small,
      nSparse: 10,
      e0: { 1: -1, 6: -20, 8: -30 },
    });
    expect(m.data.e0[6]).toBe(-20);
    const ac = new AbortController();
    ac.abort();
    await expect(new GapTrainer().train(ds, trainIdx, small, { signal: ac.signal })).rejects.toThrow(/abort/);
  });
});

describe('sparse point selection', () => {
  it('CUR prefers rare environments; random is uniform; both reproducible', () => {
    // 200 rows along direction A, 5 outliers along orthogonal directions
    const n = 205;
    const D = 10;
    const X = new Float64Array(n * D);
    const r = rng(1);
    for (let i = 0; i < 200; i++) {
      X[i * D] = 1;
      X[i * D + 1] = 0.01 * r();
    }
    for (let i = 200; i < 205; i++) X[i * D + 2 + (i - 200)] = 1;
    const cur = selectSparse(X, n, D, 10, 'cur', 4);
    expect(Array.from(selectSparse(X, n, D, 10, 'cur', 4))).toEqual(Array.from(cur));
    const outliers = Array.from(cur).filter((i) => i >= 200).length;
    expect(outliers).toBeGreaterThanOrEqual(4);
    const rnd = selectSparse(X, n, D, 10, 'random', 4);
    expect(new Set(rnd).size).toBe(10);
    expect(Array.from(selectSparse(X, n, D, 300, 'cur', 1)).length).toBe(n);
  });

  it('leverage scores are the same bits with and without the WebAssembly kernel (float32 and float64 X)', () => {
    const n = 203; // rows and columns that are not multiples of four
    const D = 37;
    const r = rng(7);
    const X64 = Float64Array.from({ length: n * D }, () => (r() < 0.3 ? 0 : r() - 0.4)); // zeros as in SOAP
    for (const X of [X64, Float32Array.from(X64)]) {
      const viaKernel = leverageScores(X, n, D, 12, makeRng(3));
      setWasmGemmEnabled(false);
      try {
        expect(Array.from(leverageScores(X, n, D, 12, makeRng(3)))).toEqual(Array.from(viaKernel));
      } finally {
        setWasmGemmEnabled(true);
      }
    }
  });
});

describe('streaming QR least squares', () => {
  it('matches the normal-equation solution of a regularised problem, across blocks of any size', async () => {
    const { StreamingQR, cholesky, solveLower, solveUpper } =
      await import('../../src/models/gap/smallLinalg.ts');
    const M = 45;
    const nRows = 200;
    const r = rng(11);
    const A = new Float64Array(nRows * M).map(() => r() - 0.5);
    const y = new Float64Array(nRows).map(() => r() - 0.5);
    const lam = 0.3;
    // normal equations (AᵀA + λ²I) x = Aᵀy
    const G = new Float64Array(M * M);
    const b = new Float64Array(M);
    for (let i = 0; i < nRows; i++)
      for (let j = 0; j < M; j++) {
        b[j] += A[i * M + j] * y[i];
        for (let k = 0; k < M; k++) G[j * M + k] += A[i * M + j] * A[i * M + k];
      }
    for (let j = 0; j < M; j++) G[j * M + j] += lam * lam;
    cholesky(G, M);
    const x0 = Float64Array.from(b);
    solveLower(G, M, x0);
    for (let i = M - 1; i >= 0; i--) {
      let s = x0[i];
      for (let k = i + 1; k < M; k++) s -= G[k * M + i] * x0[k];
      x0[i] = s / G[i * M + i];
    }
    // streaming QR starting from R = λI, blocks of 37 rows (last one partial), panel width 8
    const R0 = new Float64Array(M * M);
    for (let j = 0; j < M; j++) R0[j * M + j] = lam;
    const qr = new StreamingQR(M, R0);
    const ldb = 37;
    for (let r0 = 0; r0 < nRows; r0 += ldb) {
      const n = Math.min(ldb, nRows - r0);
      const B = new Float64Array(ldb * M);
      const yb = new Float64Array(ldb);
      for (let i = 0; i < n; i++) {
        yb[i] = y[r0 + i];
        for (let j = 0; j < M; j++) B[j * ldb + i] = A[(r0 + i) * M + j];
      }
      qr.update(B, ldb, n, yb, 8);
    }
    const x = Float64Array.from(qr.z);
    solveUpper(qr.R, M, x);
    for (let j = 0; j < M; j++) expect(Math.abs(x[j] - x0[j])).toBeLessThan(1e-10);
  });
});
