/**
 * `pes generate-data`: the project's reference data with xtb (GFN1-xTB azobenzene, GFN2-xTB glycine),
 * following the paper's protocol (scripts/generate-data/protocol.ts). Resumable: finished pieces are
 * kept in the work directory's store and skipped on a re-run with the same settings.
 */
import { CliError } from '../main.ts';
import { parseArgs } from '../args.ts';

export const summary = 'generate the reference datasets and paths with xtb (resumable, parallel)';

const HELP = `usage: pes generate-data [--scale S] [--out DIR] [--only azobenzene|glycine] [--seed N]
                         [--jobs N] [--work DIR] [--gamma G] [--package-only] [--no-server] [--dft]

  --scale S       multiply every MD length by S (default 1 = the paper's protocol; CI uses 0.002)
  --out DIR       where the datasets, paths and manifest go (default public/data at scale 1,
                  work-xtb/scale-S/out otherwise)
  --only MOL      azobenzene or glycine
  --seed N        base seed of all random streams (default 20210)
  --jobs N        parallel xtb processes, one core each (default 2)
  --work DIR      store of finished pieces (default work-xtb/full at scale 1, work-xtb/scale-S otherwise)
  --gamma G       Langevin friction, 1/fs (default 0.01)
  --package-only  only (re)write the outputs from the finished pieces in the store
  --no-server     use one xtb command-line run per force call instead of the libxtb server
  --dft           instead of the xTB generation, run (or resume) the PBE-D3(BJ)/def2-SVP NWChem single
                  points at the finished path points (one core, ~2 min per azobenzene point), then package`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['package-only', 'no-server', 'help', 'dft']);
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  const num = (k: string, d: number) => {
    if (a[k] === undefined) return d;
    const v = Number(a[k]);
    if (!Number.isFinite(v) || v <= 0) throw new CliError(`--${k} must be a positive number, got "${a[k]}"`);
    return v;
  };
  const scale = num('scale', 1);
  const only = a.only as string | undefined;
  if (only !== undefined && only !== 'azobenzene' && only !== 'glycine')
    throw new CliError(`--only must be azobenzene or glycine, got "${only}"`);
  const tag = scale === 1 ? 'full' : `scale-${scale}`;
  const work = (a.work as string) ?? `work-xtb/${tag}`;
  const out = (a.out as string) ?? (scale === 1 ? 'public/data' : `work-xtb/${tag}/out`);
  const seed = num('seed', 20210);
  const jobs = Math.round(num('jobs', 2));
  const gamma = num('gamma', 0.01);
  const { generate } = await import('../../generate-data/generate.ts');
  const { packageOutputs } = await import('../../generate-data/package.ts');
  let failed: { id: string; error: string }[] = [];
  if (a.dft) {
    const { runDft } = await import('../../generate-data/dft.ts');
    const { DFT_ORDER } = await import('../../generate-data/dft.ts');
    const paths = DFT_ORDER.filter((id) => !only || (only === 'glycine') === (id === 'glycine'));
    const done = await runDft(work, (m) => console.log(`[${new Date().toISOString()}] ${m}`), paths);
    console.log(`DFT points finished: ${JSON.stringify(done)}`);
  } else if (!a['package-only']) {
    const r = await generate({
      scale,
      seed,
      jobs,
      work,
      only: only as 'azobenzene' | 'glycine' | undefined,
      gamma,
      useServer: !a['no-server'],
    });
    failed = r.failed;
  }
  await packageOutputs({ work, out, scale, seed, gamma, only: only as 'azobenzene' | 'glycine' | undefined });
  if (failed.length) {
    console.error(`${failed.length} task(s) failed: ${failed.map((f) => `${f.id} (${f.error})`).join('; ')}`);
    return 1;
  }
  return 0;
}
