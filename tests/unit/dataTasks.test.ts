/** The data worker's methods (src/compute/dataTasks.ts), run in-process on the shared azobenzene fixture. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataWorkerMethods } from '../../src/compute/dataTasks.ts';
import type { TaskProgress } from '../../src/compute/workerApi.ts';
import { dihedral } from '../../src/chem/geometry.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const AZO = path.resolve(here, '../../../shared/fixtures/sgdml-reference/azobenzene-xtb-md.npz');

describe('data worker methods', () => {
  it('parseFile: dataset, facts and the three histograms of the azobenzene fixture, with progress to 1', async () => {
    const bytes = new Uint8Array(readFileSync(AZO));
    const seen: TaskProgress[] = [];
    const r = await dataWorkerMethods.parseFile('azobenzene-xtb-md.npz', bytes, {}, { maxFrames: 500 }, (p) =>
      seen.push(p),
    );
    expect(r.dataset.nFrames).toBe(2400);
    expect(r.stats.facts).toMatchObject({ nAtoms: 24, formula: 'C12H10N2', nFrames: 2400, hasForces: true });
    expect(r.stats.facts.md5).toMatch(/^[0-9a-f]{32}$/);
    // energies: every frame binned, relative to the minimum (first edge 0)
    expect(r.stats.energy!.total).toBe(2400);
    expect(r.stats.energy!.edges[0]).toBe(0);
    expect(r.stats.energy!.counts.reduce((a, b) => a + b, 0)).toBe(2400);
    // distances: 276 pairs per frame over 500 sampled frames
    expect(r.stats.distances.framesUsed).toBe(500);
    expect(r.stats.distances.total).toBe(500 * 276);
    expect(r.stats.distances.fractionBeyondCutoff).toBeGreaterThan(0.1);
    // φ found by bonding in this file's atom order (C first): C–N=N–C, mostly trans (|φ| > 140°) at 300 K
    const dih = r.stats.dihedral!;
    expect(dih.label).toBe('φ (C–N=N–C)');
    expect(dih.atoms.map((a) => r.dataset.z[a])).toEqual([6, 7, 7, 6]);
    expect(dih.total).toBe(2400);
    const phi0 = dihedral(r.dataset.R.subarray(0, 72), ...(dih.atoms as [number, number, number, number]));
    expect(dih.counts[Math.min(71, Math.floor((phi0 + 180) / 5))]).toBeGreaterThan(0);
    const trans = dih.counts.reduce((s, c, i) => (Math.abs(dih.edges[i] + 2.5) > 140 ? s + c : s), 0);
    expect(trans / 2400).toBeGreaterThan(0.9);
    const fr = seen.map((p) => p.fraction);
    expect(fr[0]).toBe(0);
    expect(fr[fr.length - 1]).toBe(1);
    expect(fr.every((f, i) => i === 0 || f >= fr[i - 1])).toBe(true);

    const d = await dataWorkerMethods.dihedralStats(
      { kind: 'inline', id: 'x', dataset: r.dataset },
      [3, 2, 0, 1],
    );
    expect(d.label).toBe('dihedral 4–3–1–2');
    expect(d.total).toBe(2400);
    await expect(
      dataWorkerMethods.dihedralStats({ kind: 'inline', id: 'x', dataset: r.dataset }, [0, 1, 2, 30]),
    ).rejects.toThrow(/atom 31 is not in the molecule \(atoms 1–24\)/);
  });

  it('parseFile rejects a malformed file with the reader’s message', async () => {
    await expect(
      dataWorkerMethods.parseFile('bad.npz', new TextEncoder().encode('PK\u0003\u0004 no')),
    ).rejects.toThrow(/bad\.npz: .*zip/);
  });
});
