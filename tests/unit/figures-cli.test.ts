/** `pes figures` on a tiny hand-made dataset: SVGs written, numbers in summary.json as computed by hand. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../scripts/cli/main.ts';
import { writeSgdmlNpz } from '../../src/data/io/index.ts';
import type { Dataset } from '../../src/data/dataset.ts';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tinyDataset(): Dataset {
  // O at the origin, H at 1 Å on x, H at 3 Å on y: distances 1, 3 and √10 Å in every frame
  const frame = [0, 0, 0, 1, 0, 0, 0, 3, 0];
  const M = 4;
  return {
    name: 'tiny water',
    theory: 'hand',
    z: Int32Array.from([8, 1, 1]),
    nAtoms: 3,
    nFrames: M,
    R: Float64Array.from(Array.from({ length: M }, () => frame).flat()),
    E: Float64Array.from([-10, -9, -8, -7]),
    F: new Float64Array(M * 9),
    frameProps: { kind: Float64Array.from([0, 0, 2, 2]) },
  };
}

describe('pes figures', () => {
  it('writes the energy and distance SVGs and a summary of a tiny dataset', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'pes-fig-data-'));
    const out = mkdtempSync(path.join(os.tmpdir(), 'pes-fig-out-'));
    dirs.push(data, out);
    writeFileSync(path.join(data, 'tiny.npz'), writeSgdmlNpz(tinyDataset()));
    writeFileSync(
      path.join(data, 'manifest.json'),
      JSON.stringify({
        minimaEnergies_kcalmol: { 'water-bent': -11, 'water-linear': -5 },
        datasets: [{ file: 'tiny.npz', molecule: 'water' }],
      }),
    );
    const log: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void log.push(a.join(' ')));
    const rc = await main(['figures', '--data', data, '--out', out, '--cutoff', '2']);
    expect(rc).toBe(0);

    const energy = readFileSync(path.join(out, 'energy-tiny.svg'), 'utf8');
    expect(energy).toMatch(/^<svg /);
    expect(energy).toContain('E − E(bent, optimised) (kcal/mol)');
    // two kinds → two bar groups with a legend; four frames → four bars in all
    expect(energy.match(/<g class="bars"/g)).toHaveLength(2);
    expect(energy.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"\/>/g)).toHaveLength(4);
    expect(energy).toContain('(a) 300 K MD from the minima: 2 frames');

    const dist = readFileSync(path.join(out, 'distances-tiny.svg'), 'utf8');
    expect(dist).toContain('distance (Å)');
    expect(dist).toContain('<line class="marker"');
    expect(dist).toContain('2 Å cutoff: 66.7 % of distances beyond');

    const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(s.datasets[0].energy.relativeMin_kcalmol).toBe(1);
    expect(s.datasets[0].energy.relativeMax_kcalmol).toBe(4);
    expect(s.datasets[0].distances).toMatchObject({ pairs: 12, beyondCutoff: 8, framesUsed: 4 });
    expect(s.datasets[0].distances.max_Ang).toBeCloseTo(Math.sqrt(10), 12);
    expect(log.join('\n')).toMatch(/tiny\.npz: E 1\.0 … 4\.0 kcal\/mol/);
  });

  it('fails clearly without datasets or with a bad option', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'pes-fig-empty-'));
    dirs.push(empty);
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    expect(await main(['figures', '--data', empty, '--out', path.join(empty, 'o')])).toBe(1);
    expect(err.join('\n')).toMatch(/no \.npz datasets in/);
    expect(await main(['figures', '--data', empty, '--max-frames', 'x'])).toBe(1);
    expect(err.join('\n')).toMatch(/--max-frames needs a positive number, got 'x'/);
    expect(existsSync(path.join(empty, 'o'))).toBe(false);
  });
});
