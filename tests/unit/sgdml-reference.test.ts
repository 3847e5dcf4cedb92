import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SgdmlModel, loadSgdmlModel } from '../../src/models/sgdml/model';
import { SgdmlTrainer } from '../../src/models/sgdml/train';
import {
  FIXTURES,
  haveFixtures,
  loadAzobenzene,
  loadReferencePredictions,
  maxAbsDiff,
  rmsDiff,
} from './sgdml-helpers';

describe.skipIf(!haveFixtures)('sGDML against the reference implementation (fixtures)', () => {
  it('loads the reference model and reproduces its 300 predictions (|ΔE|, |ΔF| ≤ 1e-4)', () => {
    const { model, warnings } = SgdmlModel.fromNpz(readFileSync(FIXTURES + 'model-train100-sym.npz'));
    expect(warnings.some((w) => w.includes('f_err'))).toBe(true); // pickled member skipped, with a warning
    expect(model.M).toBe(100);
    expect(model.nPerms).toBe(2);
    const ref = loadReferencePredictions();
    const out = model.predict(ref.R, ref.n);
    expect(maxAbsDiff(out.E, ref.E)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.F, ref.F)).toBeLessThan(1e-4);
  });

  it('round-trips through our JSON format and the reference npz format without changing predictions', () => {
    const { model } = SgdmlModel.fromNpz(readFileSync(FIXTURES + 'model-train100-sym.npz'));
    const ref = loadReferencePredictions();
    const R = ref.R.subarray(0, 10 * 72);
    const p0 = model.predict(R, 10);
    const json = new TextEncoder().encode(JSON.stringify(model.serialize()));
    const m1 = loadSgdmlModel(json).model;
    const m2 = loadSgdmlModel(model.toNpz()).model;
    for (const m of [m1, m2]) {
      const p = m.predict(R, 10);
      expect(maxAbsDiff(p.E, p0.E)).toBe(0);
      expect(maxAbsDiff(p.F, p0.F)).toBe(0);
    }
    expect(Array.from(m2.data.idxsTrain ?? [])).toEqual(Array.from(model.data.idxsTrain ?? []));
  });

  it('trains on the reference idxs_train (σ=30, λ=1e-10, sym) and matches its predictions within 1e-3 RMS', async () => {
    const { model: ref } = SgdmlModel.fromNpz(readFileSync(FIXTURES + 'model-train100-sym.npz'));
    const ds = loadAzobenzene();
    const stages = new Set<string>();
    const model = await new SgdmlTrainer().trainModel(
      ds,
      ref.data.idxsTrain as Int32Array,
      { sigma: 30, lambda: 1e-10, solver: 'cholesky' },
      { onProgress: (p) => stages.add(p.stage) },
    );
    expect(model.nPerms).toBe(2);
    expect(Array.from(model.data.perms)).toEqual(Array.from(ref.data.perms));
    expect(model.data.std).toBeCloseTo(ref.data.std, 10);
    expect(stages.has('kernel') && stages.has('solve')).toBe(true);
    const pr = loadReferencePredictions();
    const out = model.predict(pr.R, pr.n);
    expect(rmsDiff(out.F, pr.F)).toBeLessThan(1e-3);
    expect(rmsDiff(out.E, pr.E)).toBeLessThan(1e-3);
  }, 600_000);
});
