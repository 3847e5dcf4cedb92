/**
 * Driving Debian's `xtb` (6.5.1): command-line runs (optimisations, constrained optimisations, single
 * points) each in its own directory, and a persistent energy+gradient server over the libxtb C API
 * (xtb-engrad-server.c, compiled on first use when libxtb-dev and a C compiler are present) for MD,
 * where every step needs forces. Without the server, single points fall back to one CLI run each.
 *
 * Units at this edge: xtb speaks Hartree and Bohr; everything returned here is kcal/mol, Å and forces
 * in kcal/mol/Å (forces = −gradient).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARTREE_KCAL = 627.5095;
export const BOHR_ANG = 0.529177210903;
const SYMBOL: Record<number, string> = { 1: 'H', 6: 'C', 7: 'N', 8: 'O' };
const Z_OF: Record<string, number> = { H: 1, C: 6, N: 7, O: 8 };

export interface EngradResult {
  /** kcal/mol */
  E: number;
  /** kcal/mol/Å, length 3N */
  F: Float64Array;
}

export function toXyz(z: readonly number[], R: ArrayLike<number>, comment = ''): string {
  const lines = [String(z.length), comment];
  z.forEach((zi, i) => {
    lines.push(
      `${SYMBOL[zi]} ${R[3 * i].toFixed(10)} ${R[3 * i + 1].toFixed(10)} ${R[3 * i + 2].toFixed(10)}`,
    );
  });
  return lines.join('\n') + '\n';
}

export function parseXyz(text: string): { z: number[]; R: Float64Array; comment: string } {
  const lines = text.split('\n');
  const n = parseInt(lines[0], 10);
  const z: number[] = [];
  const R = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const p = lines[2 + i].trim().split(/\s+/);
    const el = p[0].charAt(0).toUpperCase() + p[0].slice(1).toLowerCase();
    if (!(el in Z_OF)) throw new Error(`unknown element ${p[0]} in xyz`);
    z.push(Z_OF[el]);
    for (let k = 0; k < 3; k++) R[3 * i + k] = parseFloat(p[1 + k]);
  }
  return { z, R, comment: lines[1] };
}

/** Parse a Turbomole `gradient` file (last cycle) into forces, kcal/mol/Å, and the energy, kcal/mol. */
export function parseTurbomoleGradient(text: string, n: number): EngradResult {
  const lines = text.split('\n');
  let start = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes('cycle =')) start = i;
  if (start < 0) throw new Error('gradient file has no cycle line');
  const e = parseFloat(lines[start].split('SCF energy =')[1]);
  const F = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const p = lines[start + 1 + n + i].trim().replace(/D/g, 'E').split(/\s+/);
    for (let k = 0; k < 3; k++) F[3 * i + k] = (-parseFloat(p[k]) * HARTREE_KCAL) / BOHR_ANG;
  }
  return { E: e * HARTREE_KCAL, F };
}

export interface XtbRunOptions {
  dir: string;
  z: readonly number[];
  R: ArrayLike<number>;
  gfn: 1 | 2;
  args: string[];
  /** xcontrol text passed with --input */
  input?: string;
}

export interface XtbRunResult {
  /** optimised geometry when an optimisation ran, else the input */
  R: Float64Array;
  /** total energy of the final geometry, kcal/mol */
  E: number;
  stdout: string;
}

/** One xtb command-line run in its own (fresh) directory, OMP_NUM_THREADS=1. */
export function runXtb(o: XtbRunOptions): Promise<XtbRunResult> {
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(join(o.dir, 'in.xyz'), toXyz(o.z, o.R));
  const args = ['in.xyz', '--gfn', String(o.gfn), ...o.args];
  if (o.input) {
    writeFileSync(join(o.dir, 'xcontrol'), o.input);
    args.push('--input', 'xcontrol');
  }
  return new Promise((res, rej) => {
    const p = spawn('xtb', args, {
      cwd: o.dir,
      env: { ...process.env, OMP_NUM_THREADS: '1', OMP_STACKSIZE: '500M' },
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', rej);
    p.on('close', (code) => {
      writeFileSync(join(o.dir, 'xtb.out'), out);
      if (code !== 0 || !/normal termination of xtb/.test(out)) {
        rej(new Error(`xtb failed in ${o.dir} (exit ${code}): ${out.split('\n').slice(-8).join(' | ')}`));
        return;
      }
      const m = [...out.matchAll(/TOTAL ENERGY\s+(-?\d+\.\d+)\s+Eh/g)];
      if (!m.length) {
        rej(new Error(`no TOTAL ENERGY in xtb output (${o.dir})`));
        return;
      }
      const E = parseFloat(m[m.length - 1][1]) * HARTREE_KCAL;
      const optFile = join(o.dir, 'xtbopt.xyz');
      const R = existsSync(optFile) ? parseXyz(readFileSync(optFile, 'utf8')).R : Float64Array.from(o.R);
      res({ R, E, stdout: out });
    });
  });
}

/** Single point with gradient through the command line (fallback path; ≈ 33 ms for azobenzene). */
export async function cliEngrad(
  dir: string,
  z: readonly number[],
  R: ArrayLike<number>,
  gfn: 1 | 2,
): Promise<EngradResult> {
  await runXtb({ dir, z, R, gfn, args: ['--grad'] });
  return parseTurbomoleGradient(readFileSync(join(dir, 'gradient'), 'utf8'), z.length);
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Path of the compiled engrad server (built into `binDir` when missing or older than its source);
 * null when it cannot be built (no libxtb-dev / compiler), in which case callers use the CLI.
 */
export function ensureEngradServer(binDir: string): string | null {
  const src = join(here, 'xtb-engrad-server.c');
  const bin = resolve(binDir, 'xtb-engrad-server');
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
  if (!existsSync('/usr/include/xtb.h')) return null;
  mkdirSync(binDir, { recursive: true });
  const r = spawnSync(
    'sh',
    ['-c', `cc -O2 -o '${bin}' '${src}' $(pkg-config --cflags --libs xtb 2>/dev/null || echo -lxtb)`],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0 || !existsSync(bin)) {
    console.warn(`[xtb] could not build the libxtb engrad server, using the CLI: ${r.stderr}`);
    return null;
  }
  return bin;
}

/** A persistent libxtb process: send positions (Å), get energy and forces back. */
export class EngradServer {
  private proc: ChildProcessWithoutNullStreams;
  private buf = '';
  private waiting: ((line: string) => void) | null = null;
  private dead: Error | null = null;
  calls = 0;

  constructor(
    bin: string,
    readonly z: readonly number[],
    readonly gfn: 1 | 2,
  ) {
    this.proc = spawn(bin, [String(gfn), String(z.length), ...z.map(String)], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OMP_STACKSIZE: '500M' },
    });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const w = this.waiting;
        this.waiting = null;
        w?.(line);
      }
    });
    this.proc.stderr.on('data', () => {});
    this.proc.on('exit', (code) => {
      this.dead = new Error(`engrad server exited (${code})`);
      const w = this.waiting;
      this.waiting = null;
      w?.('ERR server exited');
    });
  }

  private request(R: ArrayLike<number>): Promise<string> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((res) => {
      this.waiting = res;
      const parts: string[] = [];
      for (let i = 0; i < R.length; i++) parts.push(R[i].toPrecision(17));
      this.proc.stdin.write(parts.join(' ') + '\n');
    });
  }

  async engrad(R: ArrayLike<number>): Promise<EngradResult> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const line = await this.request(R);
      this.calls++;
      if (line.startsWith('OK ')) {
        const p = line.slice(3).split(' ');
        const n = this.z.length;
        const F = new Float64Array(3 * n);
        for (let k = 0; k < 3 * n; k++) F[k] = (-parseFloat(p[1 + k]) * HARTREE_KCAL) / BOHR_ANG;
        return { E: parseFloat(p[0]) * HARTREE_KCAL, F };
      }
      if (this.dead) throw this.dead;
    }
    throw new Error('xtb single point failed twice (SCC not converged?)');
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** A reference-level calculator for one molecule: the server when available, else the CLI. */
export interface Calculator {
  engrad(R: ArrayLike<number>): Promise<EngradResult>;
  close(): void;
}

export function makeCalculator(
  binDir: string,
  scratch: string,
  z: readonly number[],
  gfn: 1 | 2,
  useServer = true,
): Calculator {
  const bin = useServer ? ensureEngradServer(binDir) : null;
  if (bin) return new EngradServer(bin, z, gfn);
  return { engrad: (R) => cliEngrad(scratch, z, R, gfn), close: () => {} };
}

export function xtbVersion(): string {
  const r = spawnSync('xtb', ['--version'], { encoding: 'utf8' });
  const m = /xtb version (\S+)/.exec((r.stdout ?? '') + (r.stderr ?? ''));
  return m ? m[1] : 'unknown';
}
