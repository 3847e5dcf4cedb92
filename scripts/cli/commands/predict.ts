/**
 * `pes predict <model> <geometries> --out predictions.(extxyz|npz)`: energies (kcal/mol) and forces
 * (kcal/mol/Å) for every frame of a geometry file (.npz, .xyz, .extxyz).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import { writeNpz } from '../../../src/data/io/npz.ts';
import { npy } from '../../../src/data/io/npy.ts';
import { writeXyz } from '../../../src/data/io/extxyz.ts';
import { loadModel, readBytes } from './model-io.ts';

export const summary = 'predict energies and forces of a model for the frames of a geometry file';

const HELP = `usage: pes predict <model.(npz|json)> <geometries.(npz|xyz|extxyz)> --out predictions.(extxyz|npz)
  writes E (kcal/mol) and F (kcal/mol/Å) per frame; npz holds R, z, E, F like the reference sGDML's`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['help']);
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  const [modelPath, geoPath] = a._;
  const out = typeof a.out === 'string' ? a.out : undefined;
  if (!modelPath || !geoPath || !out) throw new CliError('missing arguments\n\n' + HELP);
  const { model, warnings } = loadModel(modelPath);
  for (const w of warnings) console.error(`warning: ${w}`);
  const { dataset: ds, warnings: w2 } = readDatasetFile(geoPath, readBytes(geoPath), { validate: false });
  for (const w of w2) console.error(`warning: ${w}`);
  if (ds.nAtoms !== model.z.length || ds.z.some((z, i) => z !== model.z[i]))
    throw new CliError(
      `${geoPath}: atoms (${ds.nAtoms}) do not match the model's (${model.z.length}) in number or order`,
    );
  const t0 = performance.now();
  const p = model.predict(ds.R, ds.nFrames);
  const dt = (performance.now() - t0) / 1000;
  if (out.toLowerCase().endsWith('.npz')) {
    writeFileSync(
      out,
      writeNpz({
        R: npy.f8(ds.R, [ds.nFrames, ds.nAtoms, 3]),
        z: npy.i8(ds.z),
        E: npy.f8(p.E),
        F: npy.f8(p.F, [ds.nFrames, ds.nAtoms, 3]),
        e_unit: npy.str('kcal/mol'),
        r_unit: npy.str('Ang'),
      }),
    );
  } else {
    writeFileSync(out, writeXyz(ds, { models: [{ name: model.kind.toUpperCase(), E: p.E, F: p.F }] }));
  }
  console.log(
    `${ds.nFrames} frames predicted in ${dt.toFixed(2)} s (${(ds.nFrames / dt).toFixed(0)} geometries/s); written to ${out}`,
  );
  return 0;
}
