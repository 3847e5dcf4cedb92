/**
 * DFT check of the reference level: PBE-D3(BJ)/def2-SVP single-point energies with Debian's NWChem
 * (7.0.2) at the points of the finished paths, so the explorer can draw a DFT curve beside the xTB one.
 * `disp vdw 4` is Grimme's D3 with Becke–Johnson damping; twisted azobenzene geometries need a small
 * Fermi smearing (`smear 0.001`) and up to 200 SCF iterations to converge. One NWChem process (one
 * core), lowest priority; resumable: each finished point is a store piece `dft/<path>/<k>`.
 * Order: glycine path, optimized rotation, then the interpolated azobenzene paths.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MOLECULES, PATH_POINTS, type Molecule, type PathRecord } from './protocol.ts';
import { Store } from './store.ts';
import { HARTREE_KCAL } from './xtb.ts';

export const DFT_METHOD = 'PBE-D3(BJ)/def2-SVP (NWChem 7.0.2: xc xpbe96 cpbe96, disp vdw 4, smear 0.001)';
export const DFT_ORDER = [
  'glycine',
  'azobenzene-optimized-rotation',
  'azobenzene-inversion',
  'azobenzene-rotation',
  'azobenzene-rotation-inversion',
];
const SYMBOL: Record<number, string> = { 1: 'H', 6: 'C', 7: 'N', 8: 'O' };

export function nwchemInput(z: readonly number[], R: ArrayLike<number>, dir: string): string {
  const atoms = z.map(
    (zi, i) => `  ${SYMBOL[zi]} ${R[3 * i].toFixed(8)} ${R[3 * i + 1].toFixed(8)} ${R[3 * i + 2].toFixed(8)}`,
  );
  return [
    'start sp',
    `scratch_dir ${dir}`,
    `permanent_dir ${dir}`,
    'memory total 1500 mb',
    'geometry units angstrom noautoz nocenter noautosym',
    '  symmetry c1',
    ...atoms,
    'end',
    'basis spherical',
    '  * library def2-svp',
    'end',
    'dft',
    '  xc xpbe96 cpbe96',
    '  disp vdw 4',
    '  smear 0.001',
    '  iterations 200',
    '  mult 1',
    'end',
    'task dft energy',
    '',
  ].join('\n');
}

/** Total DFT energy (kcal/mol) from NWChem's output, or null. */
export function parseNwchemEnergy(out: string): number | null {
  const m = [...out.matchAll(/Total DFT energy =\s+(-?\d+\.\d+)/g)];
  return m.length ? parseFloat(m[m.length - 1][1]) * HARTREE_KCAL : null;
}

function runNwchem(dir: string, input: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sp.nw'), input);
  return new Promise((res, rej) => {
    const p = spawn('nwchem', ['sp.nw'], { cwd: dir, env: { ...process.env, OMP_NUM_THREADS: '1' } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', rej);
    p.on('close', () => {
      writeFileSync(join(dir, 'sp.out'), out);
      res(out);
    });
  });
}

/**
 * Run (or resume) the DFT single points; returns how many points are finished per path. Two passes so
 * that an interrupted run has the most informative points: first the two ends and the xTB-highest
 * point of every path, then all remaining points, path by path.
 */
export async function runDft(
  work: string,
  log: (m: string) => void,
  paths = DFT_ORDER,
  keyPointsOnly = false,
): Promise<Record<string, number>> {
  const store = new Store(join(resolve(work), 'store'));
  const recs = paths
    .filter((id) => store.has(`path/${id}`))
    .map((id) => ({ id, rec: store.getJson<PathRecord>(`path/${id}`) }));
  const key = (id: string, k: number) => `dft/${id}/${String(k).padStart(2, '0')}`;
  const one = async (id: string, rec: PathRecord, k: number) => {
    if (store.has(key(id, k))) return;
    const mol: Molecule = id === 'glycine' ? 'glycine' : 'azobenzene';
    // every azobenzene path starts at the cis and ends at the trans minimum (up to a rigid motion and
    // a relabelling of equivalent atoms): reuse an end point already computed on another path
    if (mol === 'azobenzene' && (k === 0 || k === PATH_POINTS - 1)) {
      const other = recs.find((r) => r.id !== id && r.id !== 'glycine' && store.has(key(r.id, k)));
      if (other) {
        store.put(key(id, k), {
          ...store.getJson<object>(key(other.id, k)),
          copiedFrom: other.id,
          wall_s: 0,
        });
        return;
      }
    }
    const t0 = performance.now();
    const dir = join(resolve(work), 'dft-run');
    const out = await runNwchem(dir, nwchemInput(MOLECULES[mol].z, rec.points[k].R, dir));
    const E = parseNwchemEnergy(out);
    if (E === null) {
      log(`dft ${id} point ${k}: no energy (${out.split('\n').slice(-5).join(' | ')})`);
      return;
    }
    store.put(key(id, k), { E, method: DFT_METHOD, wall_s: (performance.now() - t0) / 1000 });
    log(
      `dft ${id} point ${k}: E = ${E.toFixed(3)} kcal/mol (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  };
  for (const { id, rec } of recs) {
    const top = rec.points.reduce((t, p, i) => (p.E > rec.points[t].E ? i : t), 0);
    for (const k of [0, PATH_POINTS - 1, top]) await one(id, rec, k);
  }
  if (!keyPointsOnly)
    for (const { id, rec } of recs) for (let k = 0; k < PATH_POINTS; k++) await one(id, rec, k);
  const done: Record<string, number> = {};
  for (const { id } of recs)
    done[id] = Array.from({ length: PATH_POINTS }, (_, k) => store.has(key(id, k))).filter(Boolean).length;
  return done;
}

/** DFT energies of one path, null where not computed. */
export function dftEnergies(store: Store, id: string): (number | null)[] | null {
  const E: (number | null)[] = [];
  let any = false;
  for (let k = 0; k < PATH_POINTS; k++) {
    const key = `dft/${id}/${String(k).padStart(2, '0')}`;
    if (store.has(key)) {
      E.push(store.getJson<{ E: number }>(key).E);
      any = true;
    } else E.push(null);
  }
  return any ? E : null;
}
