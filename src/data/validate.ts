/**
 * Dataset validation: shapes, finite values, known elements, and a unit sanity check from bond lengths
 * (positions in Bohr read as Å make every bond ≈ 1.89× too long: C–H ≈ 2.06 instead of 1.09). Every
 * failure is a {@link DatasetFormatError} subclass whose message says which frame/atom and what was
 * expected. Frames and atoms are reported 1-based.
 */
import type { Dataset } from './dataset.ts';
import { COVALENT_RADII, MAX_Z, symbol } from '../chem/elements.ts';
import { BOHR_TO_ANG } from '../chem/units.ts';
import { DatasetFormatError, DatasetShapeError, NonFiniteValueError, UnitSanityError } from './io/errors.ts';

export interface ValidateOptions {
  /** Name for messages (file name). */
  source?: string;
  /** Check that bond lengths look like Å (default true). */
  checkUnits?: boolean;
}

const AXES = ['x', 'y', 'z'];

/** Throws on the first problem found; returns warnings for things that are suspicious but usable. */
export function validateDataset(ds: Dataset, opts: ValidateOptions = {}): string[] {
  const src = opts.source ? `${opts.source}: ` : '';
  const { nAtoms: N, nFrames: M } = ds;
  const warnings: string[] = [];
  if (!Number.isInteger(N) || N < 1)
    throw new DatasetShapeError(`${src}the dataset has no atoms`, { source: opts.source });
  if (!Number.isInteger(M) || M < 1)
    throw new DatasetShapeError(`${src}the dataset has no frames`, { source: opts.source });
  if (ds.z.length !== N) {
    throw new DatasetShapeError(`${src}z has ${ds.z.length} atomic numbers but the frames have ${N} atoms`, {
      source: opts.source,
      key: 'z',
      expected: String(N),
      found: String(ds.z.length),
    });
  }
  for (let i = 0; i < N; i++) {
    if (!Number.isInteger(ds.z[i]) || ds.z[i] < 1 || ds.z[i] > MAX_Z) {
      throw new DatasetFormatError(
        `${src}z: atom ${i + 1} has atomic number ${ds.z[i]}; expected 1–${MAX_Z}`,
        {
          source: opts.source,
          key: 'z',
          atom: i + 1,
          found: String(ds.z[i]),
        },
      );
    }
  }
  const check = (name: string, arr: Float64Array | null, perAtom: boolean) => {
    if (!arr) return;
    const expected = perAtom ? M * N * 3 : M;
    if (arr.length !== expected) {
      throw new DatasetShapeError(
        `${src}${name} has ${arr.length} values; expected ${expected} (${perAtom ? `${M} frames × ${N} atoms × 3` : `one per frame, ${M} frames`})`,
        { source: opts.source, key: name, expected: String(expected), found: String(arr.length) },
      );
    }
    for (let k = 0; k < arr.length; k++) {
      if (!Number.isFinite(arr[k])) {
        const what = Number.isNaN(arr[k]) ? 'NaN' : arr[k] > 0 ? '+Inf' : '-Inf';
        if (perAtom) {
          const frame = Math.floor(k / (3 * N)) + 1;
          const atom = (Math.floor(k / 3) % N) + 1;
          throw new NonFiniteValueError(
            `${src}${name} is ${what} at frame ${frame}, atom ${atom} (${symbolOr(ds.z[atom - 1])}), component ${AXES[k % 3]}`,
            { source: opts.source, key: name, frame, atom, found: what },
          );
        }
        throw new NonFiniteValueError(`${src}${name} is ${what} at frame ${k + 1}`, {
          source: opts.source,
          key: name,
          frame: k + 1,
          found: what,
        });
      }
    }
  };
  check('R', ds.R, true);
  check('E', ds.E, false);
  check('F', ds.F, true);
  for (const [k, v] of Object.entries(ds.frameProps ?? {})) {
    if (v.length !== M) {
      throw new DatasetShapeError(`${src}per-frame property '${k}' has ${v.length} values; expected ${M}`, {
        source: opts.source,
        key: k,
      });
    }
  }
  if (opts.checkUnits !== false) {
    checkLengthUnits(ds, opts.source);
    const c = ds.nAtoms > 1 ? shortestContact(ds, 0) : null;
    if (c && c.ratio < 0.5) {
      warnings.push(
        `${src}atoms ${c.i + 1} (${symbolOr(ds.z[c.i])}) and ${c.j + 1} (${symbolOr(ds.z[c.j])}) of frame 1 are only ${c.distance.toFixed(3)} Å apart ` +
          `(bond ≈ ${(c.distance / c.ratio).toFixed(2)} Å): overlapping atoms, or positions not in Å`,
      );
    }
  }
  return warnings;
}

function symbolOr(z: number): string {
  try {
    return symbol(z);
  } catch {
    return `Z=${z}`;
  }
}

/** Shortest contact of a frame relative to the sum of covalent radii. */
export interface ShortestContact {
  frame: number;
  i: number;
  j: number;
  distance: number;
  /** distance / (r_cov(i) + r_cov(j)) */
  ratio: number;
}

/** The pair with the smallest distance / covalent-radius-sum ratio in frame m (0-based). */
export function shortestContact(ds: Dataset, m: number): ShortestContact | null {
  const N = ds.nAtoms;
  const off = m * N * 3;
  let best: ShortestContact | null = null;
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const dx = ds.R[off + 3 * i] - ds.R[off + 3 * j];
      const dy = ds.R[off + 3 * i + 1] - ds.R[off + 3 * j + 1];
      const dz = ds.R[off + 3 * i + 2] - ds.R[off + 3 * j + 2];
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const ratio = d / (COVALENT_RADII[ds.z[i]] + COVALENT_RADII[ds.z[j]]);
      if (!best || ratio < best.ratio) best = { frame: m, i, j, distance: d, ratio };
    }
  }
  return best;
}

/**
 * In a molecule every atom has a bonded neighbour at ≈ 1.0 × (sum of covalent radii). If the shortest
 * contact of a frame is ≥ 1.45× that sum and would be a normal bond after a Bohr → Å conversion, the
 * positions are almost certainly in Bohr. Checks the first, middle and last frame (all must agree).
 */
export function checkLengthUnits(ds: Dataset, source?: string): void {
  if (ds.nAtoms < 2) return;
  const frames = [...new Set([0, Math.floor(ds.nFrames / 2), ds.nFrames - 1])];
  const contacts = frames.map((m) => shortestContact(ds, m)!);
  const looksBohr = contacts.every(
    (c) => c.ratio >= 1.45 && c.ratio * BOHR_TO_ANG <= 1.25 && c.ratio * BOHR_TO_ANG >= 0.6,
  );
  if (!looksBohr) return;
  const c = contacts[0];
  const a = symbolOr(ds.z[c.i]);
  const b = symbolOr(ds.z[c.j]);
  const typical = COVALENT_RADII[ds.z[c.i]] + COVALENT_RADII[ds.z[c.j]];
  throw new UnitSanityError(
    `${source ? source + ': ' : ''}the shortest bond in frame ${c.frame + 1} is ${a}${c.i + 1}–${b}${c.j + 1} = ${c.distance.toFixed(3)} "Å", ` +
      `but a ${a}–${b} bond is ≈ ${typical.toFixed(2)} Å; ×${BOHR_TO_ANG.toFixed(4)} gives ${(c.distance * BOHR_TO_ANG).toFixed(3)} Å, ` +
      `so the positions look like Bohr: read the file with lengthUnit 'Bohr' (pes convert --length-unit Bohr)`,
    {
      source,
      frame: c.frame + 1,
      atom: c.i + 1,
      expected: `≈ ${typical.toFixed(2)} Å`,
      found: `${c.distance.toFixed(3)}`,
    },
  );
}
