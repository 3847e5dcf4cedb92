import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEMO_GEOMETRY,
  manifestPathFiles,
  parseGeometryJson,
  parseManifestDatasets,
} from '../../src/app/loadData';
import { formulaOf } from '../../src/ui/elements';

const dist = (R: Float64Array, i: number, j: number) =>
  Math.hypot(R[3 * i] - R[3 * j], R[3 * i + 1] - R[3 * j + 1], R[3 * i + 2] - R[3 * j + 2]);

describe('starter molecule', () => {
  const doc = JSON.parse(readFileSync(`public/${DEMO_GEOMETRY}`, 'utf8'));
  const m = parseGeometryJson(doc, DEMO_GEOMETRY);

  it('is trans-azobenzene with chemically sensible bond lengths', () => {
    expect(formulaOf(m.z)).toBe('C12H10N2');
    const n = m.z.length;
    const nitrogens = [...m.z.keys()].filter((i) => m.z[i] === 7);
    expect(dist(m.R, nitrogens[0], nitrogens[1])).toBeGreaterThan(1.2); // N=N ≈ 1.25–1.27 Å
    expect(dist(m.R, nitrogens[0], nitrogens[1])).toBeLessThan(1.32);
    // every H has exactly one neighbour within 1.2 Å, a carbon at 1.05–1.12 Å
    for (let i = 0; i < n; i++) {
      if (m.z[i] !== 1) continue;
      const near = [...Array(n).keys()].filter((j) => j !== i && dist(m.R, i, j) < 1.2);
      expect(near.length).toBe(1);
      expect(m.z[near[0]]).toBe(6);
      expect(dist(m.R, i, near[0])).toBeGreaterThan(1.05);
      expect(dist(m.R, i, near[0])).toBeLessThan(1.12);
    }
    // trans: the C–N=N–C dihedral is near 180°, i.e. the two ipso carbons are far apart (> 3.5 Å)
    const ipso = [...Array(n).keys()].filter(
      (i) => m.z[i] === 6 && nitrogens.some((k) => dist(m.R, i, k) < 1.5),
    );
    expect(ipso.length).toBe(2);
    expect(dist(m.R, ipso[0], ipso[1])).toBeGreaterThan(3.5);
  });
});

describe('parseGeometryJson', () => {
  it('accepts symbols and nested coordinates, taking the first point of a path', () => {
    const m = parseGeometryJson(
      {
        name: 'H2',
        symbols: ['H', 'H'],
        points: [
          {
            R: [
              [0, 0, 0],
              [0, 0, 0.74],
            ],
            energy: -1,
          },
          {
            R: [
              [0, 0, 0],
              [0, 0, 0.8],
            ],
          },
        ],
      },
      'x.json',
    );
    expect(Array.from(m.z)).toEqual([1, 1]);
    expect(Array.from(m.R)).toEqual([0, 0, 0, 0, 0, 0.74]);
    expect(m.E).toBe(-1);
  });

  it('reads a bundled path file as scripts/generate-data writes it (flat R per point)', () => {
    const m = parseGeometryJson(
      {
        id: 'rotation',
        molecule: 'azobenzene',
        z: [7, 7],
        theory: 'GFN1-xTB',
        points: [
          { index: 0, E: -23000.5, phi: 10, R: [0, 0, 0, 1.25, 0, 0], F: [0, 0, 0, 0, 0, 0] },
          { index: 1, E: -23000.1, phi: 20, R: [0, 0, 0, 1.3, 0, 0], F: [0, 0, 0, 0, 0, 0] },
        ],
      },
      'data/paths/rotation.json',
    );
    expect(m.name).toBe('azobenzene, rotation path (first point)');
    expect(Array.from(m.R)).toEqual([0, 0, 0, 1.25, 0, 0]);
    expect(m.E).toBe(-23000.5);
    expect(m.theory).toBe('GFN1-xTB');
  });

  it('rejects documents it cannot understand with a message naming the file', () => {
    expect(() => parseGeometryJson([], 'a.json')).toThrow('a.json: not a JSON object');
    expect(() => parseGeometryJson({ frames: [] }, 'b.json')).toThrow('b.json: no atom list');
    expect(() => parseGeometryJson({ z: [1, 1], frames: [{ R: [0, 0, 0] }] }, 'c.json')).toThrow(
      'c.json: 2 atoms need 6 coordinates, found 3',
    );
    expect(() => parseGeometryJson({ z: [1], frames: [{ R: [0, 'x', 0] }] }, 'd.json')).toThrow(
      'expected numbers',
    );
    expect(() => parseGeometryJson({ symbols: ['Xx'], R: [0, 0, 0] }, 'e.json')).toThrow(
      'unknown element symbol',
    );
  });
});

describe('manifest reading', () => {
  it('lists datasets given as an array or as an object, and path JSON files', () => {
    expect(
      parseManifestDatasets({ datasets: [{ name: 'azo-rot', file: 'azo.npz', frames: 20000 }] }),
    ).toEqual([
      {
        id: 'azo', // the file's stem when the manifest gives no id
        name: 'azo-rot',
        file: 'azo.npz',
        nFrames: 20000,
        nAtoms: undefined,
        theory: undefined,
      },
    ]);
    expect(parseManifestDatasets({ datasets: { gly: { path: 'gly.npz', nAtoms: 10 } } })[0]).toMatchObject({
      id: 'gly',
      file: 'gly.npz',
      nAtoms: 10,
    });
    expect(parseManifestDatasets(null)).toEqual([]);
    expect(
      manifestPathFiles({ paths: ['paths/rot.json', { file: 'paths/inv.json' }, { file: 'x.xyz' }] }),
    ).toEqual(['paths/rot.json', 'paths/inv.json']);
  });
});
