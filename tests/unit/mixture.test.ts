import { describe, expect, it } from 'vitest';
import type { ForceField, Prediction, SerializedModel } from '../../src/models/types';
import { coordinateValueGrad, type RegionCoordinate } from '../../src/models/mixture/coordinate';
import { partitionWeights, checkPartition } from '../../src/models/mixture/weights';
import { MixtureModel } from '../../src/models/mixture/model';
import { MixtureTrainer, regionSample, coordinateSeries, regionFrames } from '../../src/models/mixture/train';
import { deserializeModel } from '../../src/models/load';
import { trainingDistance } from '../../src/models/mixture/training-distance';
import { createRng } from '../../src/data/sample';
import { haveFixtures, loadAzobenzene } from './sgdml-helpers';

/** Analytic test force field: harmonic springs between all atom pairs, E = Σ k (r − r0)² + c. */
class Springs implements ForceField {
  readonly kind = 'sgdml' as const;
  constructor(
    readonly z: Int32Array,
    private k: number,
    private r0: number,
    private c: number,
  ) {}
  predict(R: Float64Array, nConf: number): Prediction {
    const N = this.z.length;
    const E = new Float64Array(nConf),
      F = new Float64Array(nConf * 3 * N);
    for (let m = 0; m < nConf; m++) {
      const o = m * 3 * N;
      E[m] = this.c;
      for (let i = 0; i < N; i++)
        for (let j = 0; j < i; j++) {
          const d = [0, 1, 2].map((q) => R[o + 3 * i + q] - R[o + 3 * j + q]);
          const r = Math.hypot(d[0], d[1], d[2]);
          E[m] += this.k * (r - this.r0) ** 2;
          for (let q = 0; q < 3; q++) {
            const f = (-2 * this.k * (r - this.r0) * d[q]) / r;
            F[o + 3 * i + q] += f;
            F[o + 3 * j + q] -= f;
          }
        }
    }
    return { E, F };
  }
  serialize(): SerializedModel {
    return { kind: 'sgdml', version: 0, payload: null };
  }
}

/** Four atoms whose dihedral |φ| is `phi` degrees (plus a small fixed distortion). */
function fourAtoms(phi: number): Float64Array {
  const t = (phi * Math.PI) / 180;
  return Float64Array.from([1.2, 0, -0.1, 0, 0, 0, 0, 0, 1.5, 1.25 * Math.cos(t), 1.25 * Math.sin(t), 1.6]);
}

const coord: RegionCoordinate = { type: 'absDihedral', atoms: [0, 1, 2, 3] };
const z4 = Int32Array.from([6, 7, 7, 6]);

function fdMaxError(ff: ForceField, R: Float64Array, h = 1e-5): number {
  const p = ff.predict(R, 1);
  let worst = 0;
  for (let q = 0; q < R.length; q++) {
    const a = R.slice(),
      b = R.slice();
    a[q] += h;
    b[q] -= h;
    const fd = -(ff.predict(a, 1).E[0] - ff.predict(b, 1).E[0]) / (2 * h);
    worst = Math.max(worst, Math.abs(fd - p.F[q]));
  }
  return worst;
}

describe('mixture partition of unity', () => {
  it('weights are non-negative, sum to 1, and dw/ds matches finite differences', () => {
    const p = { boundaries: [40, 90, 140], width: 15 };
    const w = new Float64Array(4),
      dw = new Float64Array(4),
      w1 = new Float64Array(4),
      w2 = new Float64Array(4),
      d0 = new Float64Array(4);
    for (let s = 0.5; s < 180; s += 0.7) {
      partitionWeights(p, s, w, dw);
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
      for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
      partitionWeights(p, s + 1e-6, w1, d0);
      partitionWeights(p, s - 1e-6, w2, d0);
      for (let k = 0; k < 4; k++) expect(Math.abs((w1[k] - w2[k]) / 2e-6 - dw[k])).toBeLessThan(1e-6);
    }
    partitionWeights(p, 10, w, dw);
    expect(Array.from(w)).toEqual([1, 0, 0, 0]);
    partitionWeights(p, 90, w, dw);
    expect(w[1]).toBeCloseTo(0.5, 12);
    expect(w[2]).toBeCloseTo(0.5, 12);
  });

  it('rejects boundaries whose transitions leave 0…180° or do not increase', () => {
    expect(() => checkPartition({ boundaries: [5], width: 10 }, [0, 180])).toThrow(/range/);
    expect(() => checkPartition({ boundaries: [90, 60], width: 10 }, [0, 180])).toThrow(/increase/);
    expect(() => checkPartition({ boundaries: [90], width: 0 }, [0, 180])).toThrow(/half-width/);
  });
});

describe('region coordinates', () => {
  it('gradients of |φ|, distance and angle match finite differences', () => {
    const R = Float64Array.from([0.3, 1.2, -0.4, 0, 0, 0, 0.2, 0.1, 1.4, 1.1, 0.9, 1.9, -0.8, 0.5, 0.6]);
    const coords: RegionCoordinate[] = [
      coord,
      { type: 'distance', atoms: [1, 3] },
      { type: 'angle', atoms: [4, 1, 2] },
    ];
    for (const c of coords) {
      const g = new Float64Array(R.length);
      coordinateValueGrad(c, R, 0, g);
      for (let q = 0; q < R.length; q++) {
        const a = R.slice(),
          b = R.slice();
        a[q] += 1e-6;
        b[q] -= 1e-6;
        const fd = (coordinateValueGrad(c, a, 0) - coordinateValueGrad(c, b, 0)) / 2e-6;
        expect(Math.abs(fd - g[q])).toBeLessThan(1e-6);
      }
    }
  });
});

describe('MixtureModel', () => {
  const models = [new Springs(z4, 3, 1.4, 0), new Springs(z4, 5, 1.5, 4), new Springs(z4, 2, 1.6, -3)];
  const mix = new MixtureModel({
    z: z4,
    coordinate: coord,
    partition: { boundaries: [60, 120], width: 20 },
    models,
  });

  it('F = −∇E by finite differences inside regions and inside the transition bands', () => {
    for (const phi of [20, 50, 60, 75, 100, 119, 130, 160]) {
      const R = fourAtoms(phi);
      const p = mix.predict(R, 1);
      const scale = Math.max(1, ...Array.from(p.F, Math.abs));
      expect(fdMaxError(mix, R) / scale).toBeLessThan(1e-6);
    }
  });

  it('energy and forces are continuous along a scan across both boundaries', () => {
    let prev: Prediction | null = null;
    let maxJumpE = 0,
      maxJumpF = 0;
    for (let phi = 30; phi <= 150; phi += 0.05) {
      const p = mix.predict(fourAtoms(phi), 1);
      if (prev) {
        maxJumpE = Math.max(maxJumpE, Math.abs(p.E[0] - prev.E[0]));
        for (let q = 0; q < 12; q++) maxJumpF = Math.max(maxJumpF, Math.abs(p.F[q] - prev.F[q]));
      }
      prev = p;
    }
    // the sub-models differ by several kcal/mol; without blending the jump would be that large
    const e60 = models.map((m) => m.predict(fourAtoms(60), 1).E[0]);
    expect(Math.abs(e60[0] - e60[1])).toBeGreaterThan(1);
    expect(maxJumpE).toBeLessThan(0.05);
    expect(maxJumpF).toBeLessThan(0.5);
  });

  it('with a per-region energy calibration (offset + tilt in |φ|) F = −∇E still holds', () => {
    const cal = new MixtureModel({ ...mix.data, calibration: { a: [1, -2, 3], b: [0.05, -0.1, 0.02] } });
    for (const phi of [20, 50, 75, 100, 130, 160]) {
      const R = fourAtoms(phi);
      const p = cal.predict(R, 1);
      const scale = Math.max(1, ...Array.from(p.F, Math.abs));
      expect(fdMaxError(cal, R) / scale).toBeLessThan(1e-6);
    }
    const R = fourAtoms(20);
    expect(cal.predict(R, 1).E[0] - mix.predict(R, 1).E[0]).toBeCloseTo(1 + 0.05 * 20, 8);
  });

  it('equals the single region model far from the boundaries', () => {
    expect(coordinateValueGrad(coord, fourAtoms(20), 0)).toBeCloseTo(20, 10);
    const R = fourAtoms(20);
    expect(mix.predict(R, 1).E[0]).toBeCloseTo(models[0].predict(R, 1).E[0], 12);
    const R2 = fourAtoms(170);
    expect(mix.predict(R2, 1).E[0]).toBeCloseTo(models[2].predict(R2, 1).E[0], 12);
  });

  it('checks its inputs', () => {
    expect(
      () =>
        new MixtureModel({ z: z4, coordinate: coord, partition: { boundaries: [90], width: 10 }, models }),
    ).toThrow(/2 regions need 2 models/);
    expect(
      () =>
        new MixtureModel({
          z: z4,
          coordinate: { type: 'absDihedral', atoms: [0, 1, 2, 9] },
          partition: { boundaries: [60, 120], width: 10 },
          models,
        }),
    ).toThrow(/out of range/);
  });
});

describe('regionSample', () => {
  it('gives every region an equal share (energy-stratified inside), never a test frame', () => {
    const rng = createRng(3);
    const n = 3000;
    const s = Float64Array.from({ length: n }, (_, i) =>
      i < 2500 ? 10 * rng.next() : 10 + 170 * rng.next(),
    );
    const E = Float64Array.from({ length: n }, () => rng.next());
    const p = { boundaries: [60, 120], width: 10 };
    const test = Int32Array.from({ length: 100 }, (_, i) => 2600 + i);
    const idx = regionSample(s, E, p, 90, createRng(1), { exclude: test });
    expect(idx.length).toBe(90);
    expect(new Set(idx).size).toBe(90);
    for (const m of idx) expect(m < 2600 || m >= 2700).toBe(true);
    const counts = [0, 0, 0];
    for (const m of idx) counts[s[m] < 60 ? 0 : s[m] < 120 ? 1 : 2]++;
    expect(counts).toEqual([30, 30, 30]);
    const pop = regionSample(s, E, p, 90, createRng(1), { allocation: 'population' });
    const c0 = Array.from(pop).filter((m) => s[m] < 60).length;
    expect(c0).toBeGreaterThan(70);
  });
});

describe.skipIf(!haveFixtures)('mixture of real sGDML models (fixture azobenzene)', () => {
  it('trains per region, is continuous with F = −∇E at a boundary, and survives serialise/deserialise', async () => {
    const ds = loadAzobenzene();
    const c: RegionCoordinate = { type: 'absDihedral', atoms: [2, 0, 1, 8] };
    const s = coordinateSeries(ds, c);
    const sorted = Float64Array.from(s).sort();
    const b = sorted[Math.floor(sorted.length / 2)];
    const width = Math.max(
      0.5,
      (sorted[Math.floor(sorted.length * 0.7)] - sorted[Math.floor(sorted.length * 0.3)]) / 2,
    );
    const partition = { boundaries: [b], width };
    const trainIdx = Int32Array.from({ length: 40 }, (_, i) => i * Math.floor(ds.nFrames / 40));
    const model = (await new MixtureTrainer().train(
      ds,
      trainIdx,
      {
        coordinate: c,
        partition,
        subKind: 'sgdml',
        subParams: { sigma: 30, noSym: true, solver: 'cholesky' },
        calibrate: true,
      },
      {},
    )) as MixtureModel;
    const per = model.data.info?.framesPerRegion as number[];
    expect(per.length).toBe(2);
    expect(per[0] + per[1]).toBeGreaterThanOrEqual(40);
    expect(regionFrames(trainIdx, s, partition, 0).length).toBe(per[0]);
    // a frame inside the transition band: both sub-models contribute
    let m0 = -1;
    for (let m = 0; m < ds.nFrames; m++) if (Math.abs(s[m] - b) < width / 2) m0 = m;
    expect(m0).toBeGreaterThanOrEqual(0);
    const R = ds.R.slice(m0 * 72, m0 * 72 + 72);
    const { w } = model.regionWeights(R, 1);
    expect(Math.min(w[0][0], w[0][1])).toBeGreaterThan(0.05);
    const p = model.predict(R, 1);
    const scale = Math.max(1, ...Array.from(p.F, Math.abs));
    expect(fdMaxError(model, R, 1e-4) / scale).toBeLessThan(1e-5);
    // distance to the training data: zero on a training frame, positive elsewhere, relative to the spacing
    const m0R = ds.R.slice(trainIdx[3] * 72, trainIdx[3] * 72 + 72);
    const dTrain = trainingDistance(model, m0R, 1);
    expect(dTrain).not.toBeNull();
    expect(dTrain!.d[0]).toBeLessThan(1e-9);
    const stretched = m0R.map((v, i) => (i < 3 ? v * 1.3 : v));
    const dFar = trainingDistance(model, stretched, 1)!;
    expect(dFar.d[0]).toBeGreaterThan(0.05);
    expect(dFar.rel[0]).toBeGreaterThan(1);
    const back = await deserializeModel(JSON.parse(JSON.stringify(model.serialize())));
    expect(back.kind).toBe('mixture');
    const q = back.predict(R, 1);
    expect(model.data.calibration?.a.length).toBe(2);
    expect(q.E[0]).toBeCloseTo(p.E[0], 9);
    for (let i = 0; i < 72; i++) expect(q.F[i]).toBeCloseTo(p.F[i], 8);
  }, 120_000);
});
