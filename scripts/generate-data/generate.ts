/**
 * Entry point of the data generation: builds the protocol's task list (protocol.ts), runs it on
 * `jobs` lanes (one xtb process each, OMP_NUM_THREADS=1) with finished pieces kept in `work/store`,
 * then packages the bundled outputs (package.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildTasks, MOLECULES, type Lane, type Molecule } from './protocol.ts';
import { runTasks } from './scheduler.ts';
import { Store } from './store.ts';
import { makeCalculator, type Calculator } from './xtb.ts';

export interface GenerateOptions {
  scale: number;
  seed: number;
  jobs: number;
  work: string;
  only?: Molecule;
  gamma: number;
  useServer: boolean;
}

export async function generate(
  o: GenerateOptions,
): Promise<{ failed: { id: string; error: string }[]; wall_s: number }> {
  const work = resolve(o.work);
  mkdirSync(work, { recursive: true });
  const logFile = join(work, 'generate.log');
  const log = (msg: string) => {
    const line = `[${new Date().toISOString()}] ${msg}`;
    console.log(line);
    appendFileSync(logFile, line + '\n');
  };
  const store = new Store(join(work, 'store'));
  const lanes: (Lane & { calcs: Map<Molecule, Calculator> })[] = [];
  for (let i = 0; i < o.jobs; i++) {
    const scratch = join(work, `lane${i}`);
    mkdirSync(scratch, { recursive: true });
    const calcs = new Map<Molecule, Calculator>();
    lanes.push({
      id: i,
      scratch,
      calcs,
      calc(mol: Molecule) {
        let c = calcs.get(mol);
        if (!c) {
          c = makeCalculator(
            join(work, 'bin'),
            join(scratch, 'sp'),
            MOLECULES[mol].z,
            MOLECULES[mol].gfn,
            o.useServer,
          );
          calcs.set(mol, c);
        }
        return c;
      },
    });
  }
  const tasks = buildTasks(store, { scale: o.scale, seed: o.seed, only: o.only, gamma: o.gamma, log });
  log(
    `generate: ${tasks.length} tasks, scale ${o.scale}, seed ${o.seed}, ${o.jobs} lanes, store ${store.root}`,
  );
  const t0 = performance.now();
  const res = await runTasks(tasks, lanes, log);
  for (const l of lanes) for (const c of l.calcs.values()) c.close();
  const wall_s = (performance.now() - t0) / 1000;
  log(`generate: ${res.done.length} tasks done, ${res.failed.length} failed, ${wall_s.toFixed(0)} s`);
  return { failed: res.failed, wall_s };
}
