/**
 * `pes convert <in> <out>`: convert a dataset between sGDML `.npz`, extended XYZ (`.extxyz`, or `.xyz`
 * with `--extended`) and plain XYZ (`.xyz`). Input units are options (see `pes convert --help`); the
 * output is written in Å and kcal/mol unless --out-energy-unit / --out-length-unit say otherwise.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile, writeDataset, type DatasetFileFormat } from '../../../src/data/io/index.ts';
import { datasetMd5 } from '../../../src/data/io/sgdml-dataset.ts';
import { READ_BOOLEANS, READ_OPTIONS_HELP, readFileBytes, readOptionsFrom } from './info.ts';

export const summary =
  'convert a dataset between sGDML .npz, extended XYZ and plain XYZ (with unit conversion)';

const HELP = `usage: pes convert <in> <out> [options]

${summary}
Formats by extension: .npz (sGDML dataset), .extxyz (extended XYZ), .xyz (plain XYZ: energy on line 2,
rows "El x y z fx fy fz"; use --extended for extended XYZ in a .xyz file).

input options:
${READ_OPTIONS_HELP}

output options:
  --extended               write extended XYZ even for a .xyz name
  --out-energy-unit U      energy unit of xyz output (default kcal/mol; npz is always kcal/mol)
  --out-length-unit U      length unit of xyz output (default Ang; npz is always Ang)
  --float32                npz: store R and F as float32 (E stays float64)
  --no-compress            npz: store members uncompressed (np.savez rather than np.savez_compressed)
  --name N / --theory T    set the dataset name / level of theory`;

function outFormat(path: string, extended: boolean): DatasetFileFormat {
  const ext = path.toLowerCase().replace(/^.*\./, '.');
  if (ext === '.npz') return 'npz';
  if (ext === '.extxyz') return 'extxyz';
  if (ext === '.xyz') return extended ? 'extxyz' : 'xyz';
  throw new CliError(`cannot tell the output format from '${basename(path)}': use .npz, .extxyz or .xyz`);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [...READ_BOOLEANS, 'extended', 'float32', 'no-compress']);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const [inPath, outPath] = args._;
  if (!inPath || !outPath)
    throw new CliError('usage: pes convert <in> <out> [options]  (see pes convert --help)');
  const fmt = outFormat(outPath, Boolean(args.extended));
  const { dataset, warnings } = readDatasetFile(
    basename(inPath),
    readFileBytes(inPath),
    readOptionsFrom(args),
  );
  if (typeof args.name === 'string') dataset.name = args.name;
  if (typeof args.theory === 'string') dataset.theory = args.theory;
  const s = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  if (fmt === 'npz' && (s('out-energy-unit') || s('out-length-unit'))) {
    throw new CliError(
      '--out-energy-unit / --out-length-unit apply to xyz output only; sGDML .npz is always written in Å and kcal/mol',
    );
  }
  const bytes = writeDataset(dataset, fmt, {
    float32: Boolean(args.float32),
    compress: !args['no-compress'],
    energyUnit: s('out-energy-unit'),
    lengthUnit: s('out-length-unit'),
  });
  writeFileSync(outPath, bytes);
  for (const w of warnings) console.error(`warning: ${w}`);
  console.log(
    `${inPath} → ${outPath} (${fmt}): ${dataset.nFrames} frames × ${dataset.nAtoms} atoms` +
      `${dataset.E ? '' : ', no energies'}${dataset.F ? '' : ', no forces'}; ${(bytes.length / 1e6).toFixed(2)} MB` +
      (fmt === 'npz' && dataset.F ? `; md5 ${datasetMd5(dataset, { float32: Boolean(args.float32) })}` : ''),
  );
  return 0;
}
