/** Shared helpers for the sGDML tests: fixture paths (../shared/fixtures beside the repo) and loaders. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readNpz } from '../../src/data/io/npz';
import { npyToFloat64 } from '../../src/data/io/npy';
import { readSgdmlNpz } from '../../src/data/io/sgdml-dataset';
import type { Dataset } from '../../src/data/dataset';

export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/sgdml-reference/', import.meta.url));
export const haveFixtures = existsSync(FIXTURES + 'model-train100-sym.npz');

export function loadAzobenzene(): Dataset {
  return readSgdmlNpz(readFileSync(FIXTURES + 'azobenzene-xtb-md.npz')).dataset;
}

export function loadReferencePredictions(): { R: Float64Array; E: Float64Array; F: Float64Array; n: number } {
  const p = readNpz(readFileSync(FIXTURES + 'predictions-train100.npz')).arrays;
  const E = npyToFloat64(p.E);
  return { R: npyToFloat64(p.R), E, F: npyToFloat64(p.F), n: E.length };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function rmsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
