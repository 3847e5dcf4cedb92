import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePathJson } from '../../src/chem/pathInterp';
import { parseModelBytes, predictWorkerMethods } from '../../src/compute/predictTasks';
import { readXyz } from '../../src/data/io/extxyz';
import { SgdmlModel } from '../../src/models/sgdml/model';
import { InvDistDescriptor } from '../../src/models/sgdml/descriptor';
import { columnName, pathExtxyz, profilesCsv } from '../../src/ui/explorer/exports';
import type { ModelProfile } from '../../src/state/explorer';

const path = parsePathJson(
  JSON.parse(readFileSync('public/data/paths/glycine.json', 'utf8')),
  'paths/glycine.json',
);

/** A tiny but real sGDML model on glycine: two training geometries from the path. */
function tinyModel(): SgdmlModel {
  const desc = new InvDistDescriptor(10);
  const x = new Float64Array(2 * desc.dim);
  const G = new Float64Array(3 * desc.nnz);
  const xi = new Float64Array(desc.dim);
  for (const [j, k] of [0, 16].entries()) {
    desc.compute(path.points[k].R, 0, xi, G);
    x.set(xi, j * desc.dim);
  }
  const A = x.map((v, i) => (i % 7 === 0 ? 0.01 : -0.004) * v);
  return new SgdmlModel({
    z: path.z,
    descriptor: desc,
    sigma: 10,
    lambda: 1e-10,
    c: -11218,
    std: 1,
    perms: Int32Array.from({ length: 10 }, (_, i) => i),
    Xtrain: x,
    Atrain: A,
  });
}

function profileOf(m: SgdmlModel): ModelProfile {
  const n3 = 30;
  const R = new Float64Array(17 * n3);
  path.points.forEach((p, k) => R.set(p.R, k * n3));
  const p = m.predict(R, 17);
  return {
    pathId: path.id,
    x: Float64Array.from(path.xs),
    E: p.E.map((e) => e - p.E[0]),
    pointE: p.E.map((e) => e - p.E[0]),
    pointEabs: p.E,
    pointF: p.F,
    pointFRmse: new Float64Array(17).fill(1.5),
    fRmse: 1.5,
  };
}

describe('explorer model files and predict-worker methods', () => {
  it('reads our JSON format and the reference sGDML .npz, refusing malformed files precisely', async () => {
    const m = tinyModel();
    const json = new TextEncoder().encode(JSON.stringify(m.serialize()));
    const a = await parseModelBytes('m.json', json);
    expect(a).toMatchObject({
      kind: 'sgdml',
      format: 'json',
      z: Array.from(path.z),
      facts: { M: 2, sigma: 10 },
    });
    const b = await parseModelBytes('m.npz', m.toNpz());
    expect(b.format).toBe('sgdml-npz');
    expect(b.z).toEqual(Array.from(path.z));
    await expect(parseModelBytes('e.json', new Uint8Array())).rejects.toThrow(/e.json: the file is empty/);
    await expect(
      parseModelBytes('t.json', new TextEncoder().encode('{"kind": "sgdml", "ver')),
    ).rejects.toThrow(/t.json: not a model file.*JSON error/);
    await expect(parseModelBytes('k.json', new TextEncoder().encode('{"version": 1}'))).rejects.toThrow(
      /k.json: not a model: no "kind"/,
    );
    await expect(
      parseModelBytes(
        'p.json',
        new TextEncoder().encode('{"kind": "sgdml", "version": 1, "payload": {"z": [1]}}'),
      ),
    ).rejects.toThrow(/p.json: the sgdml model could not be read/);
  });

  it('loads, predicts (several models, per-model errors) and unloads in the worker methods', async () => {
    const m = tinyModel();
    const api = predictWorkerMethods;
    await api.loadModel('a', m.serialize());
    expect(await api.loadedModelIds()).toContain('a');
    const R = new Float64Array(60);
    R.set(path.points[3].R);
    R.set(path.points[9].R, 30);
    const out = await api.predict(['a', 'missing'], R, 2);
    const direct = m.predict(R, 2);
    expect(Array.from(out.a.E!)).toEqual(Array.from(direct.E));
    expect(Array.from(out.a.F!)).toEqual(Array.from(direct.F));
    expect(out.missing.error).toMatch(/not loaded/);
    const bad = await api.predict(['a'], new Float64Array(24 * 3), 1);
    expect(bad.a.error).toMatch(/model has 10 atoms; the geometry has 24/);
    expect(await api.unloadModel('a')).toBe(true);
    expect(await api.loadedModelIds()).not.toContain('a');
  });

  it('exports the profiles as CSV and the path as extxyz with REF_ and model columns', () => {
    const pr = profileOf(tinyModel());
    const csv = profilesCsv(path, [{ label: 'sGDML, "tiny"', profile: pr }]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'series,kind,tau1_deg,point,E_minus_E_start_kcal_per_mol,sd_kcal_per_mol,force_rmse_kcal_per_mol_per_A',
    );
    expect(lines).toHaveLength(1 + 17 + 17 + 17);
    expect(lines[1]).toBe('reference,computed point,180,0,0,,');
    expect(lines[18].startsWith('"sGDML, ""tiny""",curve,180,')).toBe(true);

    const text = pathExtxyz(path, [{ label: 'sGDML tiny', profile: pr }]);
    const { dataset: ds } = readXyz(text, {
      source: 'x.extxyz',
      energyKey: 'REF_energy',
      forcesKey: 'REF_forces',
    });
    expect(ds.nFrames).toBe(17);
    expect(ds.E![8]).toBeCloseTo(path.points[8].E, 8);
    expect(ds.F![5]).toBeCloseTo(path.points[0].F![5], 8);
    const first = text.split('\n')[1];
    expect(first).toMatch(/Properties=species:S:1:pos:R:3:REF_forces:R:3:sGDML_tiny_forces:R:3/);
    expect(first).toMatch(/sGDML_tiny_energy=-?\d/);
    expect(first).toMatch(/tau1=-?\d/);
    expect(columnName('3 models!', new Set())).toBe('M_3_models');
    const taken = new Set(['A']);
    expect(columnName('A', taken)).toBe('A_2');
  });
});
