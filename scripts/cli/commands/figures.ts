/**
 * `pes figures [--data public/data] [--out docs/figures]`: the paper's Fig. 2 (energy distributions)
 * and Fig. 3 (interatomic-distance distributions) from the dataset files, as SVG, plus a summary.json
 * of the numbers behind them. Energies are relative to the molecule's lowest optimised minimum from
 * the data manifest (trans azobenzene, as in the paper; glycine Ip) when it lists one, else to the
 * dataset minimum; bars are split by the sampling kind when the file has a per-frame `kind`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readFileBytes } from './info.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import { histogramSvg } from '../../../src/data/histogram-svg.ts';
import { SAMPLING_KIND_LABELS, distanceHistogram, energyHistogram } from '../../../src/data/stats.ts';

export const summary =
  'write SVG energy (Fig. 2) and interatomic-distance (Fig. 3) histograms of the datasets';

const HELP = `usage: pes figures [--data DIR] [--out DIR] [--max-frames N] [--cutoff Å]

Reads every .npz dataset in DIR (default public/data) and writes, per dataset <stem>:
  <out>/energy-<stem>.svg      energy distribution (kcal/mol; relative to the lowest optimised
                               minimum in DIR/manifest.json, else to the dataset minimum)
  <out>/distances-<stem>.svg   distribution of all interatomic distances (Å) with the cutoff marked
and <out>/summary.json with the numbers (energy range, share of distances beyond the cutoff).

  --out DIR         output folder (default docs/figures)
  --max-frames N    frames used for the distance histograms, evenly spaced (default 2000)
  --cutoff R        cutoff radius to mark, Å (default 5)`;

interface ManifestInfo {
  minima: Record<string, number>;
  molecules: Record<string, string>;
}

function readManifest(dir: string): ManifestInfo {
  const p = join(dir, 'manifest.json');
  const info: ManifestInfo = { minima: {}, molecules: {} };
  if (!existsSync(p)) return info;
  let m: {
    minimaEnergies_kcalmol?: Record<string, number>;
    datasets?: { file: string; molecule?: string }[];
  };
  try {
    m = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new CliError(`${p} is not valid JSON: ${(e as Error).message}`);
  }
  info.minima = m.minimaEnergies_kcalmol ?? {};
  for (const d of m.datasets ?? []) if (d.molecule) info.molecules[d.file] = d.molecule;
  return info;
}

/** Lowest optimised minimum of a molecule listed in the manifest ("azobenzene-trans" …). */
function lowestMinimum(info: ManifestInfo, molecule: string | undefined) {
  if (!molecule) return null;
  const entries = Object.entries(info.minima).filter(([k]) => k.startsWith(`${molecule}-`));
  if (!entries.length) return null;
  const [name, E] = entries.reduce((a, b) => (b[1] < a[1] ? b : a));
  return { name: name.slice(molecule.length + 1), E };
}

const num = (v: unknown, name: string, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0)
    throw new CliError(`--${name} needs a positive number, got '${String(v)}'`);
  return n;
};

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['help']);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  const dataDir = typeof args.data === 'string' ? args.data : 'public/data';
  const out = typeof args.out === 'string' ? args.out : 'docs/figures';
  const maxFrames = num(args['max-frames'], 'max-frames', 2000);
  const cutoff = num(args.cutoff, 'cutoff', 5);
  if (!existsSync(dataDir)) throw new CliError(`no such folder: ${dataDir}`);
  const files = readdirSync(dataDir)
    .filter((f) => f.toLowerCase().endsWith('.npz'))
    .sort();
  if (!files.length) throw new CliError(`no .npz datasets in ${dataDir}`);
  const info = readManifest(dataDir);
  mkdirSync(out, { recursive: true });

  const summaries: Record<string, unknown>[] = [];
  for (const file of files) {
    const stem = basename(file, '.npz');
    const { dataset: ds } = readDatasetFile(file, readFileBytes(join(dataDir, file)));
    const molecule = info.molecules[file];
    const minimum = lowestMinimum(info, molecule);
    const kind = ds.frameProps?.kind;
    const written: string[] = [];
    let energySummary: Record<string, unknown> | null = null;
    if (ds.E) {
      const ref = minimum?.E ?? Math.min(...ds.E);
      const relMax = Math.max(...ds.E) - ref;
      const eh = energyHistogram(ds, {
        reference: ref,
        binWidth: 0.5,
        // from 0 (the reference) unless frames lie below it
        range: [Math.min(0, Math.floor(2 * (Math.min(...ds.E) - ref)) / 2), relMax],
        groupBy: kind ? { codes: kind, labels: SAMPLING_KIND_LABELS } : undefined,
      });
      const refText = minimum ? `E − E(${minimum.name}, optimised)` : 'E − E_min';
      writeFileSync(
        join(out, `energy-${stem}.svg`),
        histogramSvg({
          title: `${ds.name}: energies (${ds.nFrames} frames)`,
          xLabel: `${refText} (kcal/mol)`,
          yLabel: 'frames per 0.5 kcal/mol bin',
          edges: eh.edges,
          series: eh.groups?.length
            ? eh.groups.map((g) => ({ name: `${g.label}: ${g.total} frames`, counts: g.counts }))
            : [{ name: 'frames', counts: eh.counts }],
        }),
      );
      written.push(`energy-${stem}.svg`);
      energySummary = {
        reference: minimum ? `${molecule}-${minimum.name} optimised minimum` : 'dataset minimum',
        referenceEnergy_kcalmol: eh.reference,
        relativeMin_kcalmol: eh.min - eh.reference,
        relativeMax_kcalmol: eh.max - eh.reference,
        groups: eh.groups?.map((g) => ({ label: g.label, frames: g.total })),
      };
    }
    const dh = distanceHistogram(ds, { maxFrames, cutoff });
    const pct = (dh.fractionBeyondCutoff * 100).toFixed(1);
    writeFileSync(
      join(out, `distances-${stem}.svg`),
      histogramSvg({
        title: `${ds.name}: interatomic distances (${dh.framesUsed} frames)`,
        xLabel: 'distance (Å)',
        yLabel: 'atom pairs per 0.1 Å bin',
        edges: dh.edges,
        series: [{ name: 'pair distances', counts: dh.counts }],
        markers: [{ x: cutoff, label: `${cutoff} Å cutoff: ${pct} % of distances beyond` }],
      }),
    );
    written.push(`distances-${stem}.svg`);
    const s = {
      file,
      name: ds.name,
      frames: ds.nFrames,
      atoms: ds.nAtoms,
      energy: energySummary,
      distances: {
        framesUsed: dh.framesUsed,
        pairs: dh.total,
        cutoff_Ang: cutoff,
        beyondCutoff: dh.beyondCutoff,
        fractionBeyondCutoff: dh.fractionBeyondCutoff,
        max_Ang: dh.maxDistance,
      },
    };
    summaries.push(s);
    const eText = energySummary
      ? `E ${(energySummary.relativeMin_kcalmol as number).toFixed(1)} … ${(energySummary.relativeMax_kcalmol as number).toFixed(1)} kcal/mol (vs ${energySummary.reference}); `
      : '';
    console.log(
      `${file}: ${eText}${pct} % of ${dh.total} distances > ${cutoff} Å, longest ${dh.maxDistance.toFixed(2)} Å → ${written.join(', ')}`,
    );
  }
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ datasets: summaries }, null, 2) + '\n');
  return 0;
}
