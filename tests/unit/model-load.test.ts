// deserializeModel (src/models/load.ts) is what the browser's predict worker and `pes beyond` use to
// load saved models. Network models once went through a Node-only loader that broke in the browser;
// here every kind of committed study model loads through it in a fresh realm (no tfjs backend set up
// beforehand) and predicts the first 40 glycine frames closely.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deserializeModel } from '../../src/models/load';
import { readDatasetFile } from '../../src/data/io/index';
import type { SerializedModel } from '../../src/models/types';

const glycine = readDatasetFile('glycine.npz', readFileSync('public/data/glycine.npz')).dataset;

function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

describe('deserializeModel loads saved study models of every kind', () => {
  for (const [run, kind] of [
    ['glycine-schnet', 'schnet'],
    ['glycine-bpnn', 'bpnn'],
    ['glycine-sgdml-inv', 'sgdml'],
  ] as const) {
    it(`${run} (${kind}) predicts glycine within 1 kcal/mol and 3 kcal/mol/Å`, async () => {
      const saved = JSON.parse(
        readFileSync(`docs/results/study/${run}.model.json`, 'utf8'),
      ) as SerializedModel;
      const model = await deserializeModel(saved);
      expect(model.kind).toBe(kind);
      expect(Array.from(model.z)).toEqual(Array.from(glycine.z));
      const nConf = 40;
      const perConf = 3 * glycine.z.length;
      const R = glycine.R.subarray(0, nConf * perConf);
      const p = model.predict(Float64Array.from(R), nConf);
      expect(p.E.length).toBe(nConf);
      expect(p.F.length).toBe(nConf * perConf);
      // measured when written: 0.05–0.25 kcal/mol and 0.2–1.4 kcal/mol/Å
      expect(rmse(p.E, glycine.E!.subarray(0, nConf))).toBeLessThan(1);
      expect(rmse(p.F, glycine.F!.subarray(0, nConf * perConf))).toBeLessThan(3);
    });
  }
});
