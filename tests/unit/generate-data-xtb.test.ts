/**
 * End-to-end run of the data generator with Debian's xtb at a tiny scale (a few steps of every MD kind,
 * all five paths). Skipped, with a note, where `xtb` is not installed; CI (.ci/run) installs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../scripts/generate-data/generate.ts';
import { datasetSpecs, packageOutputs } from '../../scripts/generate-data/package.ts';
import { cliEngrad, makeCalculator } from '../../scripts/generate-data/xtb.ts';
import { readSgdmlNpz, datasetMd5 } from '../../src/data/io/sgdml-dataset.ts';
import { buildGlycine, GLY_Z } from '../../src/chem/glycine.ts';

const hasXtb = spawnSync('xtb', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasXtb) console.warn('generate-data-xtb: xtb is not installed, end-to-end generation test skipped');

describe.skipIf(!hasXtb)('pes generate-data end to end (xtb)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pes-gen-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const scale = 0.002;

  it('libxtb server (when available) and the xtb command line agree', async () => {
    const R = buildGlycine(180);
    const cli = await cliEngrad(join(dir, 'sp'), GLY_Z, R, 2);
    const calc = makeCalculator(join(dir, 'bin'), join(dir, 'sp2'), GLY_Z, 2);
    const s = await calc.engrad(R);
    calc.close();
    expect(Math.abs(s.E - cli.E)).toBeLessThan(1e-5);
    for (let i = 0; i < R.length; i++) expect(s.F[i]).toBeCloseTo(cli.F[i], 3);
  });

  it('generates, packages and re-reads every output', async () => {
    const work = join(dir, 'work');
    const out = join(dir, 'out');
    const r = await generate({ scale, seed: 7, jobs: 2, work, gamma: 0.01, useServer: true });
    expect(r.failed).toEqual([]);
    await packageOutputs({ work, out, scale, seed: 7, gamma: 0.01 });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    for (const spec of datasetSpecs(scale)) {
      const bytes = readFileSync(join(out, spec.file));
      const ds = readSgdmlNpz(bytes).dataset;
      const want = spec.runs.reduce((s, run) => s + Math.floor(run.steps / run.keepEvery), 0);
      expect(ds.nFrames).toBe(want);
      expect(ds.md5).toBe(datasetMd5(ds, { float32: true }));
      const entry = manifest.datasets.find((d: { file: string }) => d.file === spec.file);
      expect(entry.frames).toBe(want);
      expect(entry.complete).toBe(true);
      expect(entry.md5).toBe(ds.md5);
      // forces are stored and non-trivial
      expect(ds.F!.some((f) => Math.abs(f) > 0.1)).toBe(true);
      if (spec.molecule === 'azobenzene') expect(ds.frameProps?.phi?.length).toBe(want);
    }
    for (const id of [
      'azobenzene-rotation',
      'azobenzene-inversion',
      'azobenzene-rotation-inversion',
      'azobenzene-optimized-rotation',
      'glycine',
    ]) {
      const p = JSON.parse(readFileSync(join(out, 'paths', `${id}.json`), 'utf8'));
      expect(p.points).toHaveLength(17);
      expect(p.points[0].dE_start).toBe(0);
      const top = Math.max(...p.points.map((q: { dE_start: number }) => q.dE_start));
      expect(top).toBeGreaterThan(id === 'glycine' ? 1 : 15);
    }
    expect(manifest.barrierTable).toHaveLength(5);
    expect(existsSync(join(work, 'store', 'path', 'glycine.json'))).toBe(true);
    // resuming finds everything done and recomputes nothing
    const again = await generate({ scale, seed: 7, jobs: 2, work, gamma: 0.01, useServer: true });
    expect(again.failed).toEqual([]);
    expect(again.wall_s).toBeLessThan(r.wall_s);
  });
});
