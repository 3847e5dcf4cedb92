import { describe, expect, it } from 'vitest';
import { alignBand, fireMinimize, linearImages, nebRelax, type Potential } from '../../src/chem/neb';
import { KB, langevinMd } from '../../src/chem/langevin';
import { SgdmlTrainer } from '../../src/models/sgdml/train';
import { haveFixtures, loadAzobenzene } from './sgdml-helpers';

/** Müller–Brown potential on one "atom" (x, y; z is inert). Saddles: (−0.822, 0.624), (0.212, 0.293). */
const A = [-200, -100, -170, 15],
  a = [-1, -1, -6.5, 0.7],
  b = [0, 0, 11, 0.6],
  c = [-10, -10, -6.5, 0.7],
  x0 = [1, 0, -0.5, -1],
  y0 = [0, 0.5, 1.5, 1];
export function mullerBrown(x: number, y: number): [number, number, number] {
  let e = 0,
    gx = 0,
    gy = 0;
  for (let i = 0; i < 4; i++) {
    const dx = x - x0[i],
      dy = y - y0[i];
    const t = A[i] * Math.exp(a[i] * dx * dx + b[i] * dx * dy + c[i] * dy * dy);
    e += t;
    gx += t * (2 * a[i] * dx + b[i] * dy);
    gy += t * (b[i] * dx + 2 * c[i] * dy);
  }
  return [e, gx, gy];
}
const mb: Potential = (R, n) => {
  const E = new Float64Array(n),
    F = new Float64Array(3 * n);
  for (let m = 0; m < n; m++) {
    const [e, gx, gy] = mullerBrown(R[3 * m], R[3 * m + 1]);
    E[m] = e;
    F[3 * m] = -gx;
    F[3 * m + 1] = -gy;
  }
  return { E, F };
};

describe('FIRE and climbing-image NEB on the Müller–Brown surface', () => {
  const opts = { fmax: 0.05, maxMove: 0.01, dt: 0.0005, dtMax: 0.002, maxSteps: 20000 };

  it('FIRE finds the minima A and B', () => {
    const mA = fireMinimize(mb, Float64Array.of(-0.4, 1.3, 0), opts);
    expect(mA.converged).toBe(true);
    expect(mA.R[0]).toBeCloseTo(-0.558, 2);
    expect(mA.R[1]).toBeCloseTo(1.442, 2);
    expect(mA.E).toBeCloseTo(-146.7, 1);
    const mB = fireMinimize(mb, Float64Array.of(0.5, 0.1, 0), opts);
    expect(mB.R[0]).toBeCloseTo(0.623, 2);
    expect(mB.E).toBeCloseTo(-108.17, 1);
  });

  it('the climbing image converges on the saddle (−0.822, 0.624), E = −40.66; barrier from A 106.1', () => {
    const start = Float64Array.of(-0.558, 1.442, 0),
      end = Float64Array.of(0.623, 0.028, 0);
    const snaps: number[] = [];
    const r = nebRelax(mb, linearImages(start, end, 13), {
      ...opts,
      springK: 100,
      onStep: (s) => snaps.push(s.fmax),
    });
    expect(r.converged).toBe(true);
    expect(snaps.length).toBeGreaterThan(2);
    const top = r.images[r.top];
    expect(r.climbing).toBe(r.top);
    expect(top[0]).toBeCloseTo(-0.822, 2);
    expect(top[1]).toBeCloseTo(0.624, 2);
    expect(r.E[r.top]).toBeCloseTo(-40.66, 1);
    expect(r.barrierForward).toBeCloseTo(-40.66 + 146.7, 0);
    // the path passes the intermediate minimum C (−0.05, 0.47): some image lies below −75 in the middle
    expect(Math.min(...Array.from(r.E.subarray(2, 11)))).toBeLessThan(-75);
  });

  it('without the climbing image the highest image stays below the saddle', () => {
    const r = nebRelax(
      mb,
      linearImages(Float64Array.of(-0.558, 1.442, 0), Float64Array.of(0.623, 0.028, 0), 9),
      {
        ...opts,
        springK: 100,
        climb: false,
      },
    );
    expect(r.climbing).toBe(-1);
    expect(r.E[r.top]).toBeLessThan(-40.66 + 1e-9);
  });

  it('rejects bands that are too short and can be cancelled', () => {
    const p = Float64Array.of(0, 0, 0);
    expect(() => nebRelax(mb, [p, p])).toThrow(/at least 3/);
    const ac = new AbortController();
    ac.abort();
    expect(() =>
      nebRelax(mb, linearImages(Float64Array.of(-0.558, 1.442, 0), Float64Array.of(0.623, 0.028, 0), 5), {
        ...opts,
        signal: ac.signal,
      }),
    ).toThrow(/cancelled/);
  });
});

describe('Langevin MD (BAOAB)', () => {
  it('thermalises independent harmonic atoms to the set temperature and is reproducible by seed', () => {
    const n = 12;
    const z = new Array(n).fill(6);
    const harm: Potential = (R, m) => {
      const E = new Float64Array(m),
        F = new Float64Array(R.length);
      for (let q = 0; q < R.length; q++) {
        E[Math.floor(q / (3 * n))] += 25 * R[q] * R[q];
        F[q] = -50 * R[q];
      }
      return { E, F };
    };
    const R0 = new Float64Array(3 * n);
    const frames = langevinMd(harm, z, R0, {
      steps: 20000,
      dt: 1,
      gamma: 0.05,
      temperature: 300,
      keepEvery: 10,
    });
    expect(frames.length).toBe(2001);
    const late = frames.slice(200);
    const Tmean = late.reduce((a, f) => a + f.T, 0) / late.length;
    expect(Tmean).toBeGreaterThan(270);
    expect(Tmean).toBeLessThan(330);
    // equipartition for the potential too: <E_pot> = 3n/2 kT
    const Emean = late.reduce((a, f) => a + f.E, 0) / late.length;
    expect(Emean / (1.5 * n * KB * 300)).toBeGreaterThan(0.85);
    expect(Emean / (1.5 * n * KB * 300)).toBeLessThan(1.15);
    const again = langevinMd(harm, z, R0, { steps: 100, dt: 1, gamma: 0.05, temperature: 300, seed: 1 });
    const first = frames[10];
    expect(again[10].R).toEqual(first.R);
    expect(() => langevinMd(harm, z, R0, { steps: 10, dt: 20 })).toThrow(/time step/);
  });
});

describe.skipIf(!haveFixtures)('path search on a trained sGDML model (fixture azobenzene)', () => {
  it('FIRE relaxes, NEB runs between two frames, Langevin MD stays finite', async () => {
    const ds = loadAzobenzene();
    const idx = Int32Array.from({ length: 30 }, (_, i) => i * Math.floor(ds.nFrames / 30));
    const model = await new SgdmlTrainer().train(ds, idx, { sigma: 30, noSym: true, solver: 'cholesky' }, {});
    const pot: Potential = (R, n) => model.predict(R, n);
    const n3 = 72;
    const a = fireMinimize(pot, ds.R.slice(0, n3), { fmax: 1, maxSteps: 300 });
    expect(a.E).toBeLessThan(model.predict(ds.R.slice(0, n3), 1).E[0]);
    expect(a.fmax).toBeLessThan(1.5);
    const b = ds.R.slice(n3 * 500, n3 * 501);
    const band = alignBand(linearImages(a.R, alignBand([a.R, b])[1], 5));
    const r = nebRelax(pot, band, { maxSteps: 60, fmax: 1 });
    expect(r.images.length).toBe(5);
    expect(r.E[r.top]).toBeGreaterThanOrEqual(Math.max(r.E[0], r.E[4]) - 1e-9);
    const md = langevinMd(pot, ds.z, a.R, { steps: 40, keepEvery: 20, temperature: 300 });
    expect(md.length).toBe(3);
    for (const f of md) expect(Number.isFinite(f.E)).toBe(true);
  }, 60_000);
});
