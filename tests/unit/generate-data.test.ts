import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACC_UNIT,
  KB,
  kineticEnergy,
  langevinRun,
  maxwellBoltzmann,
  type MdState,
} from '../../scripts/generate-data/md.ts';
import { Rng } from '../../scripts/generate-data/rng.ts';
import { runTasks, type Task } from '../../scripts/generate-data/scheduler.ts';
import { Store } from '../../scripts/generate-data/store.ts';
import { mdRuns, runChunks } from '../../scripts/generate-data/protocol.ts';
import { datasetSpecs } from '../../scripts/generate-data/package.ts';
import {
  BOHR_ANG,
  HARTREE_KCAL,
  parseTurbomoleGradient,
  parseXyz,
  toXyz,
} from '../../scripts/generate-data/xtb.ts';

describe('seeded random numbers', () => {
  it('same key → same stream, different key → different stream, resumable from state', () => {
    const a = new Rng('20210/a-300K-cis');
    const b = new Rng('20210/a-300K-cis');
    const c = new Rng('20210/a-300K-trans');
    const xa = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xa);
    const st = a.state();
    const next = a.nextU32();
    expect(new Rng(st).nextU32()).toBe(next);
  });

  it('normals have mean 0 and variance 1', () => {
    const r = new Rng('normals');
    let s = 0;
    let s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });
});

/** Two atoms (C, H) on a harmonic bond: k = 600 kcal/mol/Å², r0 = 1.1 Å. */
function harmonic(R: Float64Array) {
  const d = [R[3] - R[0], R[4] - R[1], R[5] - R[2]];
  const r = Math.hypot(d[0], d[1], d[2]);
  const k = 600;
  const E = 0.5 * k * (r - 1.1) ** 2;
  const g = (k * (r - 1.1)) / r;
  const F = Float64Array.from([g * d[0], g * d[1], g * d[2], -g * d[0], -g * d[1], -g * d[2]]);
  return Promise.resolve({ E, F });
}

describe('Langevin MD (BAOAB)', () => {
  const z = [6, 1];
  const start = async (rng: Rng, T: number): Promise<MdState> => {
    const R = Float64Array.from([0, 0, 0, 1.15, 0.1, 0]);
    const { E, F } = await harmonic(R);
    return { R, V: maxwellBoltzmann(z, T, rng), E, F, step: 0 };
  };

  it('without friction conserves the total energy (velocity Verlet limit)', async () => {
    const rng = new Rng('nve');
    const st = await start(rng, 300);
    const e0 = st.E + kineticEnergy(z, st.V);
    let maxDev = 0;
    await langevinRun(st, { z, dt: 0.1, temperature: 300, gamma: 0 }, 2000, harmonic, rng, (s) => {
      maxDev = Math.max(maxDev, Math.abs(s.E + kineticEnergy(z, s.V) - e0));
    });
    expect(maxDev / Math.max(1e-3, e0)).toBeLessThan(2e-3);
    expect(st.step).toBe(2000);
  });

  it('with friction samples the requested temperature', async () => {
    const rng = new Rng('nvt');
    const st = await start(rng, 500);
    // the COM is fixed, so 3N − 3 = 3 degrees of freedom: <KE> = 3/2 kT
    let ke = 0;
    let n = 0;
    await langevinRun(st, { z, dt: 0.5, temperature: 500, gamma: 0.05 }, 40000, harmonic, rng, (s) => {
      if (s.step > 2000) {
        ke += kineticEnergy(z, s.V);
        n++;
      }
    });
    const T = (2 * (ke / n)) / (3 * KB);
    expect(T).toBeGreaterThan(460);
    expect(T).toBeLessThan(540);
  });

  it('unit factor: 1 kcal/mol/Å on 1 amu is 4.184e-4 Å/fs²', () => {
    // 1 kcal/mol = 4184 J/mol; a = F/m = 4184 / (1e-10 m · 1e-3 kg/mol) m/s² = 4.184e16 m/s² = 4.184e-4 Å/fs²
    expect(ACC_UNIT).toBeCloseTo((4184 / (1e-10 * 1e-3)) * (1e10 / 1e30), 12);
  });
});

describe('xtb file formats', () => {
  it('reads a Turbomole gradient (last cycle) as forces in kcal/mol/Å', () => {
    const text = `$grad
  cycle =      1    SCF energy =    -5.07037589727   |dE/dxyz| =  0.007795
    0.00000000000000      0.00000000000000      0.22109795658059      O
    0.00000000000000      1.43052267633767     -0.88250210019775      H
    0.00000000000000     -1.43052267633767     -0.88250210019775      H
   9.6067765292525E-17  -1.4987775062325E-16   8.1366557984433E-04
  -9.8110050697441E-17  -5.4664373992512E-03  -4.0683278992223E-04
   2.0422854049156E-18   5.4664373992513D-03  -4.0683278992209E-04
$end
`;
    const r = parseTurbomoleGradient(text, 3);
    expect(r.E).toBeCloseTo(-5.07037589727 * HARTREE_KCAL, 8);
    expect(r.F[2]).toBeCloseTo((-8.1366557984433e-4 * HARTREE_KCAL) / BOHR_ANG, 10);
    expect(r.F[7]).toBeCloseTo((-5.4664373992513e-3 * HARTREE_KCAL) / BOHR_ANG, 10);
  });

  it('xyz round trip', () => {
    const R = Float64Array.from([0, 0, 0.117, 0, 0.757, -0.467, 0, -0.757, -0.467]);
    const back = parseXyz(toXyz([8, 1, 1], R, 'water'));
    expect(back.z).toEqual([8, 1, 1]);
    for (let i = 0; i < 9; i++) expect(back.R[i]).toBeCloseTo(R[i], 9);
  });
});

describe('scheduler and store', () => {
  it('runs tasks after their dependencies and fails dependents of a failed task only', async () => {
    const order: string[] = [];
    const mk = (id: string, deps: string[], fail = false): Task<number> => ({
      id,
      deps,
      run: async () => {
        await new Promise((r) => setTimeout(r, 1));
        if (fail) throw new Error('boom');
        order.push(id);
      },
    });
    const res = await runTasks(
      [mk('a', []), mk('b', ['a']), mk('c', [], true), mk('d', ['c']), mk('e', ['b'])],
      [0, 1],
      () => {},
    );
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('e'));
    expect(res.failed.map((f) => f.id).sort()).toEqual(['c', 'd']);
    expect(res.done.sort()).toEqual(['a', 'b', 'e']);
  });

  it('store pieces are all-or-nothing and float64 exact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pes-store-'));
    try {
      const s = new Store(dir);
      expect(s.has('md/x/000')).toBe(false);
      const data = Float64Array.from([Math.PI, -1e-300, 12345.678901234567]);
      s.put('md/x/000', { frames: 1 }, data);
      expect(s.has('md/x/000')).toBe(true);
      expect(s.getJson<{ frames: number }>('md/x/000').frames).toBe(1);
      expect(Array.from(s.getF64('md/x/000'))).toEqual(Array.from(data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('protocol sizes', () => {
  it('full scale gives ≥ 20,000 frames per azobenzene dataset and 10,000 for glycine', () => {
    const count = (file: string) =>
      datasetSpecs(1)
        .find((d) => d.file === file)!
        .runs.reduce((s, r) => s + Math.floor(r.steps / r.keepEvery), 0);
    expect(count('azobenzene-rotation.npz')).toBeGreaterThanOrEqual(20000);
    expect(count('azobenzene-inversion.npz')).toBeGreaterThanOrEqual(20000);
    expect(count('glycine.npz')).toBe(10000);
    const runs = mdRuns(1);
    expect(runs.filter((r) => r.kind === 'b')).toHaveLength(34);
    expect(runs.filter((r) => r.kind === 'c')).toHaveLength(4);
    expect(runs.filter((r) => r.kind === 'd').map((r) => r.id)).toEqual([
      'd-50K-inversion-07',
      'd-50K-inversion-09',
      'd-50K-optimized-rotation-08',
      'd-50K-optimized-rotation-10',
    ]);
    const a = runs.find((r) => r.kind === 'a')!;
    expect(Math.floor(a.steps / a.keepEvery)).toBe(3500);
  });

  it('chunks cover every step once, equilibration first and not kept', () => {
    for (const r of mdRuns(1)) {
      const c = runChunks(r);
      expect(c.filter((x) => x.kept).reduce((s, x) => s + x.steps, 0)).toBe(r.steps);
      if (r.equilSteps) expect(c[0]).toMatchObject({ kept: false, steps: r.equilSteps });
      for (const x of c) if (x.kept) expect(x.steps % r.keepEvery).toBe(0);
    }
  });

  it('a small scale keeps at least two steps of every kind', () => {
    for (const r of mdRuns(0.002)) expect(Math.floor(r.steps / r.keepEvery)).toBeGreaterThanOrEqual(2);
  });
});

describe('NWChem DFT check input/output', () => {
  it('writes a PBE-D3(BJ)/def2-SVP single point and reads the last total energy', async () => {
    const { nwchemInput, parseNwchemEnergy } = await import('../../scripts/generate-data/dft.ts');
    const inp = nwchemInput([8, 1, 1], [0, 0, 0.117, 0, 0.757, -0.467, 0, -0.757, -0.467], '/tmp/x');
    expect(inp).toMatch(/xc xpbe96 cpbe96/);
    expect(inp).toMatch(/disp vdw 4/);
    expect(inp).toMatch(/\* library def2-svp/);
    expect(inp).toMatch(/smear 0\.001/);
    expect(inp).toMatch(/\n {2}O 0\.00000000 0\.00000000 0\.11700000\n/);
    const out =
      '         Total DFT energy =      -76.100000000000\n...\n         Total DFT energy =      -76.272171234567\n';
    expect(parseNwchemEnergy(out)).toBeCloseTo(-76.272171234567 * HARTREE_KCAL, 8);
    expect(parseNwchemEnergy('no energy here')).toBeNull();
  });
});
