/**
 * Packaging of the finished pieces of a generation run into the bundled outputs:
 *  - `azobenzene-rotation.npz`, `azobenzene-inversion.npz`, `glycine.npz`: sGDML dataset format (R and F
 *    float32 to halve the download, E float64; md5 as the reference sGDML computes it on the stored
 *    arrays) with per-frame properties (φ, θ, θ′ or τ1, τ2; `kind` = 0 a, 1 b, 2 c, 3 d, 4 glycine MD);
 *  - `paths/<id>.json`: the 17 points of every path with E, F and the key coordinates;
 *  - `manifest.json`: provenance, counts, md5s, float32 loss, barrier table (xTB beside the paper),
 *    DFT check results when present (work/store/dft/*).
 * Only finished pieces are used; a dataset whose runs are incomplete is written with what exists and
 * flagged `complete: false`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZO_Z, azoKeyCoords } from '../../src/chem/azobenzene.ts';
import { GLY_Z, glyKeyCoords } from '../../src/chem/glycine.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { writeSgdmlNpz } from '../../src/data/io/sgdml-dataset.ts';
import {
  AZO_PATHS,
  MOLECULES,
  mdRuns,
  runChunks,
  type GeomRecord,
  type MdRunSpec,
  type Molecule,
  type PathRecord,
} from './protocol.ts';
import { Store } from './store.ts';
import { xtbVersion } from './xtb.ts';
import { DFT_METHOD, dftEnergies } from './dft.ts';

export interface PackageOptions {
  work: string;
  out: string;
  scale: number;
  seed: number;
  gamma: number;
  only?: Molecule;
}

const KIND_CODE: Record<MdRunSpec['kind'], number> = { a: 0, b: 1, c: 2, d: 3, glycine: 4 };
const THEORY: Record<Molecule, string> = {
  azobenzene: 'GFN1-xTB (xtb 6.5.1, accuracy 1.0, electronic temperature 300 K)',
  glycine: 'GFN2-xTB (xtb 6.5.1, accuracy 1.0, electronic temperature 300 K)',
};

/** The paper's PBE+TS highest points (kcal/mol, relative to the lower-lying start: cis, or Ip). */
export const PAPER_BARRIERS: Record<string, string> = {
  'azobenzene-rotation': '30.2',
  'azobenzene-inversion': '27.4',
  'azobenzene-rotation-inversion': '27.5 / 27.6',
  'azobenzene-optimized-rotation': '26.1',
  glycine: '2.4',
};

interface DatasetSpec {
  file: string;
  name: string;
  molecule: Molecule;
  runs: MdRunSpec[];
}

export function datasetSpecs(scale: number): DatasetSpec[] {
  const runs = mdRuns(scale);
  const pick = (f: (r: MdRunSpec) => boolean) => runs.filter(f);
  return [
    {
      file: 'azobenzene-rotation.npz',
      name: 'azobenzene rotation (optimized-rotation path), GFN1-xTB',
      molecule: 'azobenzene',
      runs: [
        ...pick((r) => r.kind === 'a'),
        ...pick((r) => r.kind === 'b' && r.id.includes('optimized-rotation')),
        ...pick((r) => r.kind === 'c'),
        ...pick((r) => r.kind === 'd' && r.id.includes('optimized-rotation')),
      ],
    },
    {
      file: 'azobenzene-inversion.npz',
      name: 'azobenzene inversion, GFN1-xTB',
      molecule: 'azobenzene',
      runs: [
        ...pick((r) => r.kind === 'a'),
        ...pick((r) => r.kind === 'b' && r.id.includes('-inversion-')),
        ...pick((r) => r.kind === 'c'),
        ...pick((r) => r.kind === 'd' && r.id.includes('-inversion-')),
      ],
    },
    {
      file: 'glycine.npz',
      name: 'glycine Ip/IIIp 500 K, GFN2-xTB',
      molecule: 'glycine',
      runs: pick((r) => r.kind === 'glycine'),
    },
  ];
}

/** Frames of one MD run from the store: R, E, F arrays and how many of its chunks are finished. */
function readRun(
  store: Store,
  r: MdRunSpec,
  nAtoms: number,
): { R: number[][]; E: number[]; F: number[][]; complete: boolean; wall_s: number } {
  const n3 = 3 * nAtoms;
  const out = { R: [] as number[][], E: [] as number[], F: [] as number[][], complete: true, wall_s: 0 };
  for (const c of runChunks(r)) {
    if (!store.has(c.key)) {
      out.complete = false;
      break;
    }
    out.wall_s += store.getJson<{ wall_s: number }>(c.key).wall_s;
    if (!c.kept) continue;
    const d = store.getF64(c.key);
    const stride = 2 * n3 + 1;
    for (let f = 0; f < d.length / stride; f++) {
      out.R.push(Array.from(d.subarray(f * stride, f * stride + n3)));
      out.E.push(d[f * stride + n3]);
      out.F.push(Array.from(d.subarray(f * stride + n3 + 1, (f + 1) * stride)));
    }
  }
  return out;
}

function float32Loss(a: Float64Array): { maxAbs: number; rms: number } {
  let maxAbs = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.fround(a[i]) - a[i];
    maxAbs = Math.max(maxAbs, Math.abs(d));
    s += d * d;
  }
  return { maxAbs, rms: Math.sqrt(s / Math.max(1, a.length)) };
}

function keyCoords(mol: Molecule, R: ArrayLike<number>): Record<string, number> {
  return mol === 'azobenzene' ? { ...azoKeyCoords(R) } : { ...glyKeyCoords(R) };
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export async function packageOutputs(o: PackageOptions): Promise<void> {
  const store = new Store(join(o.work, 'store'));
  mkdirSync(join(o.out, 'paths'), { recursive: true });
  const want = (m: Molecule) => !o.only || o.only === m;
  const manifestPath = join(o.out, 'manifest.json');
  const old = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>)
    : {};
  const energies: Record<string, number> = {};
  for (const k of ['azobenzene-cis', 'azobenzene-trans', 'glycine-Ip', 'glycine-IIIp'])
    if (store.has(`min/${k}`)) energies[k] = store.getJson<GeomRecord>(`min/${k}`).E;

  // ---- paths
  const paths: Record<string, unknown>[] = [];
  const pathIds = [...AZO_PATHS.map((p) => p.id), 'glycine'];
  for (const id of pathIds) {
    const mol: Molecule = id === 'glycine' ? 'glycine' : 'azobenzene';
    if (!want(mol) || !store.has(`path/${id}`)) continue;
    const rec = store.getJson<PathRecord>(`path/${id}`);
    const ref0 = mol === 'azobenzene' ? energies['azobenzene-cis'] : energies['glycine-Ip'];
    const ref1 = mol === 'azobenzene' ? energies['azobenzene-trans'] : energies['glycine-IIIp'];
    const dftE = dftEnergies(store, id);
    const dft = dftE ? { E: dftE, method: DFT_METHOD } : null;
    const points = rec.points.map((p, i) => ({
      index: i,
      E: p.E,
      dE_start: r4(p.E - ref0),
      dE_end: r4(p.E - ref1),
      ...Object.fromEntries(Object.entries(keyCoords(mol, p.R)).map(([k, v]) => [k, r4(v)])),
      E_dft: dft ? dft.E[i] : null,
      R: p.R.map((x) => Math.round(x * 1e8) / 1e8),
      F: p.F.map((x) => Math.round(x * 1e6) / 1e6),
    }));
    let top = 0;
    points.forEach((p, i) => (p.E > points[top].E ? (top = i) : 0));
    // DFT: highest computed point vs the first (and last) point, when those are computed
    const dftTop = (() => {
      if (!dft) return null;
      const e = dft.E;
      let t = -1;
      e.forEach((x, i) => (x !== null && (t < 0 || x > (e[t] as number)) ? (t = i) : 0));
      const n = e.filter((x) => x !== null).length;
      return {
        index: t,
        computedPoints: n,
        vsStart: e[0] !== null ? r4((e[t] as number) - e[0]) : null,
        vsEnd: e[e.length - 1] !== null ? r4((e[t] as number) - (e[e.length - 1] as number)) : null,
        endMinusStart:
          e[0] !== null && e[e.length - 1] !== null ? r4((e[e.length - 1] as number) - e[0]) : null,
      };
    })();
    const json = {
      id,
      molecule: mol,
      z: MOLECULES[mol].z,
      theory: THEORY[mol],
      method: rec.method,
      units: { R: 'Ang', E: 'kcal/mol', F: 'kcal/mol/Ang', angles: 'deg' },
      startLabel: mol === 'azobenzene' ? 'cis' : 'Ip',
      endLabel: mol === 'azobenzene' ? 'trans' : 'IIIp',
      transPermutation: rec.transPermutation,
      dftMethod: dft?.method ?? null,
      points,
    };
    writeFileSync(join(o.out, 'paths', `${id}.json`), JSON.stringify(json));
    paths.push({
      id,
      file: `paths/${id}.json`,
      points: points.length,
      method: rec.method,
      highestPoint: top,
      barrierVsStart: r4(points[top].E - ref0),
      barrierVsEnd: r4(points[top].E - ref1),
      paperPBE_TS: PAPER_BARRIERS[id],
      dft: dftTop,
      keyCoordsAtTop: Object.fromEntries(
        Object.entries(keyCoords(mol, rec.points[top].R)).map(([k, v]) => [k, r4(v)]),
      ),
    });
  }

  // ---- datasets
  const datasets: Record<string, unknown>[] = [];
  for (const spec of datasetSpecs(o.scale)) {
    if (!want(spec.molecule)) continue;
    const z = spec.molecule === 'azobenzene' ? AZO_Z : GLY_Z;
    const N = z.length;
    const R: number[] = [];
    const E: number[] = [];
    const F: number[] = [];
    const kind: number[] = [];
    const runIndex: number[] = [];
    const composition: Record<string, number> = {};
    let complete = true;
    let wall = 0;
    spec.runs.forEach((r, ri) => {
      const d = readRun(store, r, N);
      complete &&= d.complete;
      wall += d.wall_s;
      d.R.forEach((x) => R.push(...x));
      d.F.forEach((x) => F.push(...x));
      E.push(...d.E);
      for (let i = 0; i < d.E.length; i++) {
        kind.push(KIND_CODE[r.kind]);
        runIndex.push(ri);
      }
      composition[r.kind] = (composition[r.kind] ?? 0) + d.E.length;
    });
    const M = E.length;
    if (!M) continue;
    const R64 = Float64Array.from(R);
    const F64 = Float64Array.from(F);
    const props: Record<string, Float64Array> = {
      kind: Float64Array.from(kind),
      run: Float64Array.from(runIndex),
    };
    const names =
      spec.molecule === 'azobenzene' ? ['phi', 'theta', 'thetaPrime', 'a', 'aPrime', 'b'] : ['tau1', 'tau2'];
    for (const k of names) props[k] = new Float64Array(M);
    for (let m = 0; m < M; m++) {
      const kc = keyCoords(spec.molecule, R64.subarray(m * 3 * N, (m + 1) * 3 * N));
      for (const k of names) props[k][m] = kc[k];
    }
    const ds: Dataset = {
      name: spec.name,
      theory: THEORY[spec.molecule],
      z: Int32Array.from(z),
      nAtoms: N,
      nFrames: M,
      R: R64,
      E: Float64Array.from(E),
      F: F64,
      frameProps: props,
    };
    const bytes = writeSgdmlNpz(ds, { float32: true });
    writeFileSync(join(o.out, spec.file), bytes);
    const { readSgdmlNpz } = await import('../../src/data/io/sgdml-dataset.ts');
    const back = readSgdmlNpz(bytes, { validate: false }).dataset;
    datasets.push({
      file: spec.file,
      name: spec.name,
      molecule: spec.molecule,
      theory: THEORY[spec.molecule],
      frames: M,
      composition,
      complete,
      md5: back.md5,
      bytes: bytes.length,
      storage: 'R, F float32; E float64 (absolute, kcal/mol); z int64',
      float32Loss: { R_Ang: float32Loss(R64), F_kcalmolAng: float32Loss(F64) },
      E_min: Math.min(...E),
      E_max: Math.max(...E),
      frameProps: Object.keys(props),
      kindCodes: { a: 0, b: 1, c: 2, d: 3, glycineMD: 4 },
      runs: spec.runs.map((r) => r.id),
      laneSeconds: Math.round(wall),
    });
  }

  // ---- wall time from the generation log: first to last timestamp (across resumed runs)
  const logFile = join(o.work, 'generate.log');
  let genWall = 0;
  let genStart = '';
  let genEnd = '';
  if (existsSync(logFile)) {
    const stamps = [...readFileSync(logFile, 'utf8').matchAll(/^\[(\d{4}-[^\]]+)\]/gm)].map((m) => m[1]);
    if (stamps.length) {
      genStart = stamps[0];
      genEnd = stamps[stamps.length - 1];
      genWall = Math.round((Date.parse(genEnd) - Date.parse(genStart)) / 1000);
    }
  }
  let laneSeconds = 0;
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json') && !p.includes(`${join(o.work, 'store', 'dft')}`))
        laneSeconds += (JSON.parse(readFileSync(p, 'utf8')) as { wall_s?: number }).wall_s ?? 0;
    }
  };
  walk(store.root);

  const manifest = {
    ...old,
    generatedAt: new Date().toISOString(),
    generator: 'pes generate-data (scripts/generate-data)',
    xtb: {
      version: xtbVersion(),
      methods: { azobenzene: 'GFN1-xTB (--gfn 1)', glycine: 'GFN2-xTB (--gfn 2)' },
    },
    settings: {
      scale: o.scale,
      seed: o.seed,
      thermostat: `Langevin (BAOAB), friction ${o.gamma} 1/fs, COM velocity removed, Maxwell-Boltzmann start velocities`,
      md: mdRuns(o.scale).map((r) => ({
        id: r.id,
        T: r.temperature,
        dt_fs: r.dt,
        equilSteps: r.equilSteps,
        steps: r.steps,
        keepEvery: r.keepEvery,
      })),
      optimisations: 'xtb --opt tight; constrained points with $constrain (force constant 5.0)',
      threads: 'OMP_NUM_THREADS=1, 2 xtb processes',
    },
    minimaEnergies_kcalmol: energies,
    datasets,
    paths,
    barrierTable: paths.map((p) => ({
      path: p.id,
      xtb_vsStart: p.barrierVsStart,
      xtb_vsEnd: p.barrierVsEnd,
      dft_vsStart: (p.dft as { vsStart: number | null } | null)?.vsStart ?? null,
      dft_vsEnd: (p.dft as { vsEnd: number | null } | null)?.vsEnd ?? null,
      dft_points: (p.dft as { computedPoints: number } | null)?.computedPoints ?? 0,
      paperPBE_TS: p.paperPBE_TS,
    })),
    wallTime: {
      generateElapsed_s: genWall,
      start: genStart,
      end: genEnd,
      laneSeconds: Math.round(laneSeconds),
      note: 'elapsed = first to last log line of the generation (resumed runs included); lane seconds = sum over finished pieces (xTB only, DFT separate)',
    },
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + '\n');
  console.log(`packaged ${datasets.length} datasets and ${paths.length} paths into ${o.out}`);
  for (const d of datasets)
    console.log(
      `  ${d.file}: ${d.frames} frames ${JSON.stringify(d.composition)} ${d.complete ? '' : '(INCOMPLETE)'} md5 ${d.md5}`,
    );
  for (const p of paths)
    console.log(
      `  ${p.id}: top point ${p.highestPoint}, ${p.barrierVsStart} vs start, ${p.barrierVsEnd} vs end (paper ${p.paperPBE_TS})`,
    );
}
