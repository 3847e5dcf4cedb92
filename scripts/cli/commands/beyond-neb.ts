/**
 * `pes beyond neb <model> --path <path.json>`: climbing-image NEB on a trained model between the end points
 * of a reference path (the path's own geometries are the starting band), after relaxing both ends on the
 * model; compares the ML barrier with the reference path's and reports each image's distance to the
 * training data.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { deserializeModel } from '../../../src/models/load.ts';
import type { ForceField, SerializedModel } from '../../../src/models/types.ts';
import { pathFromJson } from '../../../src/eval/cv.ts';
import { alignBand, fireMinimize, nebRelax } from '../../../src/chem/neb.ts';
import { trainingDistance } from '../../../src/models/mixture/training-distance.ts';
import { coordinateValueGrad } from '../../../src/models/mixture/coordinate.ts';
import { findAzoDihedral } from '../../../src/data/cluster.ts';
import { loadModel } from './model-io.ts';
import { profileSvg } from './beyond-svg.ts';

type Args = ReturnType<typeof parseArgs>;
const str = (a: Args, k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);

async function readModel(path: string): Promise<ForceField> {
  if (path.endsWith('.json')) {
    const s = JSON.parse(readFileSync(path, 'utf8')) as SerializedModel;
    return deserializeModel(s);
  }
  return loadModel(path).model;
}

export async function nebCommand(a: Args): Promise<number> {
  const modelPath = a._[1];
  const pathFile = str(a, 'path');
  if (!modelPath || !pathFile) throw new CliError('usage: pes beyond neb <model> --path <path.json>');
  const model = await readModel(modelPath);
  const json = JSON.parse(readFileSync(pathFile, 'utf8')) as { id?: string };
  const ref = pathFromJson(json, model.z, pathFile);
  const n3 = 3 * model.z.length;
  const nRef = ref.E.length;
  const steps = Number(str(a, 'steps') ?? 1500);
  const fmax = Number(str(a, 'fmax') ?? 0.5);
  const maxMove = Number(str(a, 'max-move') ?? 0.05);
  const springK = Number(str(a, 'k') ?? 5);
  const pot = (R: Float64Array, n: number) => model.predict(R, n);
  const t0 = Date.now();
  const log = (s: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}\n`);
  const ends = [0, nRef - 1].map((i) => {
    const r = fireMinimize(pot, ref.R.slice(i * n3, (i + 1) * n3), { fmax: 0.2, maxSteps: 1000 });
    log(`end ${i}: relaxed on the model in ${r.steps} steps, fmax ${r.fmax.toFixed(3)} kcal/mol/Å`);
    return r;
  });
  const images = alignBand(
    Array.from({ length: nRef }, (_, i) =>
      i === 0 ? ends[0].R : i === nRef - 1 ? ends[1].R : ref.R.slice(i * n3, (i + 1) * n3),
    ),
  );
  const onRef = model.predict(ref.R, nRef).E;
  const res = nebRelax(pot, images, {
    fmax,
    maxSteps: steps,
    springK,
    maxMove,
    onStep: (s) =>
      s.step % 50 === 0 &&
      log(
        `NEB step ${s.step}: fmax ${s.fmax.toFixed(3)}, top ${(Math.max(...s.E) - s.E[0]).toFixed(2)} kcal/mol`,
      ),
  });
  const flat = new Float64Array(nRef * n3);
  res.images.forEach((im, i) => flat.set(im, i * n3));
  const dist = trainingDistance(model, flat, nRef);
  const dAtoms = findAzoDihedral(model.z, ref.R, 0);
  const phi = dAtoms
    ? res.images.map((im) =>
        coordinateValueGrad(
          { type: 'absDihedral', atoms: dAtoms as [number, number, number, number] },
          im,
          0,
        ),
      )
    : null;
  const refBarrier = Math.max(...ref.E) - ref.E[0];
  const out = {
    model: modelPath,
    path: ref.id,
    converged: res.converged,
    steps: res.step,
    fmax: res.fmax,
    mlBarrier: res.barrierForward,
    mlBarrierBackward: res.barrierBackward,
    referenceBarrier: refBarrier,
    mlOnReferencePathBarrier: Math.max(...onRef) - onRef[0],
    difference: res.barrierForward - refBarrier,
    top: res.top,
    E: Array.from(res.E, (e) => e - res.E[0]),
    Eref: Array.from(ref.E, (e) => e - ref.E[0]),
    EmlOnRef: Array.from(onRef, (e) => e - onRef[0]),
    phi,
    trainingDistance: dist ? Array.from(dist.d) : null,
    trainingDistanceRel: dist ? Array.from(dist.rel) : null,
    seconds: (Date.now() - t0) / 1000,
  };
  console.log(
    `NEB (${res.converged ? 'converged' : 'NOT converged'}, ${res.step} steps, fmax ${res.fmax.toFixed(3)} kcal/mol/Å): ML barrier ${res.barrierForward.toFixed(2)} kcal/mol vs reference ${refBarrier.toFixed(2)} (difference ${out.difference.toFixed(2)}); model on the reference geometries: ${out.mlOnReferencePathBarrier.toFixed(2)}`,
  );
  if (dist)
    console.log(
      `distance to the training set per image (relative to the training set's own spacing): ${Array.from(dist.rel, (d) => d.toFixed(2)).join(' ')}`,
    );
  const outFile = str(a, 'out');
  if (outFile) {
    mkdirSync(dirname(outFile) || '.', { recursive: true });
    writeFileSync(outFile, JSON.stringify(out, null, 1));
  }
  const svg = str(a, 'svg');
  if (svg) {
    mkdirSync(dirname(svg) || '.', { recursive: true });
    writeFileSync(
      svg,
      profileSvg(
        [
          { name: `reference path (${ref.id})`, y: out.Eref },
          { name: 'model on the reference geometries', y: out.EmlOnRef },
          { name: `ML climbing-image NEB (barrier ${res.barrierForward.toFixed(1)})`, y: out.E },
        ],
        { title: `NEB on ${modelPath.split('/').pop()} vs ${ref.id}`, dist: out.trainingDistanceRel },
      ),
    );
  }
  return 0;
}
