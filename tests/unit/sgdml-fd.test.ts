import { describe, expect, it } from 'vitest';
import {
  ExtendedDescriptor,
  InvDistDescriptor,
  trilIndex,
  type Descriptor,
} from '../../src/models/sgdml/descriptor';
import { SgdmlTrainer } from '../../src/models/sgdml/train';
import type { SgdmlModel } from '../../src/models/sgdml/model';
import { hungarian, completeGroup, findPerms } from '../../src/models/sgdml/perms';
import { haveFixtures, loadAzobenzene, rmsDiff } from './sgdml-helpers';
import type { Dataset } from '../../src/data/dataset';

/** Max relative error between a descriptor's analytic Jacobian and central differences. */
function jacobianFdError(desc: Descriptor, R: Float64Array): number {
  const x = new Float64Array(desc.dim),
    G = new Float64Array(3 * desc.nnz);
  desc.compute(R, 0, x, G);
  const n3 = 3 * desc.nAtoms;
  const J = new Float64Array(desc.dim * n3); // dense from the sparse rows
  for (let k = 0; k < desc.dim; k++)
    for (let e = desc.rowPtr[k]; e < desc.rowPtr[k + 1]; e++)
      for (let c = 0; c < 3; c++) J[k * n3 + 3 * desc.rowAtoms[e] + c] += G[3 * e + c];
  const h = 1e-6;
  const xp = new Float64Array(desc.dim),
    xm = new Float64Array(desc.dim);
  let worst = 0;
  for (let q = 0; q < n3; q++) {
    const Rp = Float64Array.from(R),
      Rm = Float64Array.from(R);
    Rp[q] += h;
    Rm[q] -= h;
    desc.compute(Rp, 0, xp, null);
    desc.compute(Rm, 0, xm, null);
    for (let k = 0; k < desc.dim; k++) {
      const fd = (xp[k] - xm[k]) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - J[k * n3 + q]) / (1e-3 + Math.abs(fd)));
    }
  }
  return worst;
}

/** Max |F + ∇E| (central differences, step h Å) over all coordinates of a few frames, relative to max |F|. */
function forceFdError(model: SgdmlModel, R: Float64Array, nFrames: number, h = 1e-4): number {
  const n3 = 3 * model.z.length;
  let worst = 0,
    fmax = 0;
  for (let m = 0; m < nFrames; m++) {
    const r0 = R.slice(m * n3, (m + 1) * n3);
    const F = model.predict(r0, 1).F;
    const batch = new Float64Array(2 * n3 * n3);
    for (let q = 0; q < n3; q++) {
      batch.set(r0, 2 * q * n3);
      batch.set(r0, (2 * q + 1) * n3);
      batch[2 * q * n3 + q] += h;
      batch[(2 * q + 1) * n3 + q] -= h;
    }
    const E = model.predict(batch, 2 * n3).E;
    for (let q = 0; q < n3; q++) {
      const fd = -(E[2 * q] - E[2 * q + 1]) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - F[q]));
      fmax = Math.max(fmax, Math.abs(F[q]));
    }
  }
  return worst / fmax;
}

function subset(_ds: Dataset, start: number, n: number, step: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => start + i * step);
}

describe('sGDML building blocks', () => {
  it('orders 1/r like the reference (lower triangle, row-major) and maps permutations', () => {
    expect([trilIndex(1, 0), trilIndex(2, 0), trilIndex(2, 1), trilIndex(3, 0)]).toEqual([0, 1, 2, 3]);
    const d = new InvDistDescriptor(4);
    const R = Float64Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const x = new Float64Array(6);
    d.compute(R, 0, x, null);
    expect(x[0]).toBeCloseTo(1, 12); // (1,0)
    expect(x[1]).toBeCloseTo(0.5, 12); // (2,0)
    expect(x[3]).toBeCloseTo(1 / 3, 12); // (3,0)
    // permuted geometry R'[a] = R[p[a]] has x' = x[m]
    const p = [2, 0, 3, 1];
    const Rp = new Float64Array(12);
    p.forEach((src, a) => Rp.set(R.subarray(3 * src, 3 * src + 3), 3 * a));
    const xp = new Float64Array(6);
    d.compute(Rp, 0, xp, null);
    const m = d.permIndex(p);
    for (let k = 0; k < 6; k++) expect(xp[k]).toBeCloseTo(x[m[k]], 14);
  });

  it('Hungarian assignment finds the optimum of a small problem', () => {
    const c = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    expect(Array.from(hungarian(c, 3))).toEqual([1, 0, 2]);
    const g = completeGroup([Int32Array.from([1, 2, 0])], 100);
    expect(g?.length).toBe(3); // cyclic group of order 3
    expect(completeGroup([Int32Array.from([1, 0, 2, 3]), Int32Array.from([1, 2, 3, 0])], 10)).toBeNull(); // S4 has 24 > 10
  });

  it('finds the mirror symmetry of a symmetric toy molecule without mixing elements', () => {
    // water-like X–Y–X in two slightly different geometries
    const R = Float64Array.from([
      0, 0, 0, 0.95, 0.1, 0, -0.3, 0.9, 0, /**/ 0, 0, 0, 0.9, 0.05, 0, -0.2, 0.96, 0.01,
    ]);
    const z = Int32Array.from([8, 1, 1]);
    const r = findPerms(R, 2, z);
    expect(r.nPerms).toBe(2);
    expect(Array.from(r.perms.subarray(3))).toEqual([0, 2, 1]);
  });

  it.skipIf(!haveFixtures)('descriptor Jacobians agree with finite differences (1/r and [1/r + ang])', () => {
    const ds = loadAzobenzene();
    const R = ds.R.slice(0, 72);
    expect(jacobianFdError(new InvDistDescriptor(24), R)).toBeLessThan(1e-6);
    const ext = ExtendedDescriptor.fromGeometry(ds.z, R);
    expect(ext.angles.length / 3).toBeGreaterThan(20);
    expect(ext.dihedrals.length / 4).toBeGreaterThan(20);
    expect(jacobianFdError(ext, ds.R.slice(72 * 500, 72 * 501))).toBeLessThan(1e-5);
  });
});

describe.skipIf(!haveFixtures)('sGDML forces are −∇E', () => {
  it('1/r descriptor, symmetric, Cholesky', async () => {
    const ds = loadAzobenzene();
    const model = await new SgdmlTrainer().trainModel(ds, subset(ds, 3, 25, 91), { sigma: 20 }, {});
    expect(model.nPerms).toBe(2);
    expect(forceFdError(model, ds.R.subarray(72 * 1000), 2)).toBeLessThan(1e-5);
  });

  it('extended descriptor [1/r + ang] trains, predicts sensibly and passes the finite-difference test', async () => {
    const ds = loadAzobenzene();
    const train = subset(ds, 5, 40, 53);
    const test = subset(ds, 11, 100, 23);
    const R = new Float64Array(100 * 72),
      F = new Float64Array(100 * 72);
    test.forEach((m, i) => {
      R.set(ds.R.subarray(m * 72, (m + 1) * 72), i * 72);
      F.set((ds.F as Float64Array).subarray(m * 72, (m + 1) * 72), i * 72);
    });
    const ext = await new SgdmlTrainer().trainModel(ds, train, { sigma: 20, descriptor: 'inv+ang' }, {});
    expect(ext.data.descriptor.kind).toBe('inv+ang');
    expect(ext.data.descriptor.dim).toBeGreaterThan(276);
    expect(forceFdError(ext, R, 2)).toBeLessThan(1e-5);
    const pred = ext.predict(R, 100);
    const errExt = rmsDiff(pred.F, F);
    let fstd = 0;
    for (let i = 0; i < F.length; i++) fstd += F[i] * F[i];
    fstd = Math.sqrt(fstd / F.length);
    // a real model: test force error far below the spread of the forces
    expect(errExt).toBeLessThan(0.25 * fstd);
    // and it survives our JSON format
    const back = (await import('../../src/models/sgdml/model')).SgdmlModel.deserialize(
      JSON.parse(JSON.stringify(ext.serialize())),
    );
    expect(rmsDiff(back.predict(R.subarray(0, 72), 1).F, pred.F.subarray(0, 72))).toBe(0);
  });

  it('CG with the Nyström preconditioner reaches the Cholesky solution on a small problem', async () => {
    const ds = loadAzobenzene();
    const idx = subset(ds, 7, 20, 101);
    const a = await new SgdmlTrainer().trainModel(
      ds,
      idx,
      { sigma: 30, lambda: 1e-6, solver: 'cholesky' },
      {},
    );
    const b = await new SgdmlTrainer().trainModel(
      ds,
      idx,
      { sigma: 30, lambda: 1e-6, solver: 'cg', cgTol: 1e-10, nystromPoints: 5 },
      {},
    );
    const R = ds.R.subarray(72 * 2000, 72 * 2010);
    const pa = a.predict(R, 10),
      pb = b.predict(R, 10);
    expect(rmsDiff(pa.F, pb.F)).toBeLessThan(1e-4);
    expect(b.data.info?.precondStorage).toBe('f32');
  });

  it('a float32 preconditioner steers CG to the same solution in about as many iterations as a float64 one', async () => {
    const ds = loadAzobenzene();
    const idx = subset(ds, 11, 40, 53);
    const train = (precondStorage: 'f32' | 'f64') =>
      new SgdmlTrainer().trainModel(
        ds,
        idx,
        { sigma: 20, solver: 'cg', cgTol: 1e-8, nystromPoints: 6, precondStorage },
        {},
      );
    const [a, b] = [await train('f64'), await train('f32')];
    const its = (m: typeof a) => m.data.info?.cgIterations_sigma20 as number;
    expect(b.data.info?.precondStorage).toBe('f32');
    expect(a.data.info?.precondStorage).toBe('f64');
    expect(its(a)).toBeGreaterThan(10);
    expect(Math.abs(its(a) - its(b))).toBeLessThanOrEqual(Math.max(2, 0.05 * its(a)));
    const R = ds.R.subarray(72 * 2300, 72 * 2310);
    const pa = a.predict(R, 10).F,
      pb = b.predict(R, 10).F;
    expect(rmsDiff(pa, pb)).toBeLessThan(1e-5 * Math.sqrt(pa.reduce((s, v) => s + v * v, 0) / pa.length));
    expect(rmsDiff(pa, pb)).toBeGreaterThan(0); // a different preconditioner, not the same numbers
  });
});

describe.skipIf(!haveFixtures)('sGDML training is cancellable', () => {
  it('an AbortSignal fired from a timer stops the Cholesky solve', async () => {
    const ds = loadAzobenzene();
    const ac = new AbortController();
    let sawSolve = false;
    const p = new SgdmlTrainer().trainModel(
      ds,
      subset(ds, 0, 60, 31),
      { sigma: 20, solver: 'cholesky' },
      {
        signal: ac.signal,
        onProgress: (q) => {
          if (q.stage === 'solve' && !sawSolve) {
            sawSolve = true;
            setTimeout(() => ac.abort(), 10);
          }
        },
      },
    );
    await expect(p).rejects.toThrow(/abort/);
    expect(sawSolve).toBe(true);
  });
});
