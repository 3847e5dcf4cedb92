/**
 * Extended XYZ (ASE / libAtoms convention) and plain XYZ, read and write.
 *
 * Extended: each frame is an atom-count line, a comment line of `key=value` pairs (values may be quoted)
 * with `Properties=name:T:m:…` naming the columns (T in S, I, R, L), then one row per atom. Energy comes
 * from a comment key (`energy`, `Energy`, `REF_energy`, `<prefix>_energy`), forces from a column
 * (`forces`, `force`, `REF_forces`, `<prefix>_forces`); when several exist a preferred one is chosen
 * (REF_ first, then the plain name) with a warning, or the caller picks with `energyKey` / `forcesKey`.
 * Numeric comment keys present in every frame become per-frame properties (e.g. `dihedral_angle`).
 *
 * Plain: the comment line holds the energy alone (or nothing) and rows are `El x y z [fx fy fz]`
 * (the format of the paper's own files).
 *
 * Units are not stated by the format: options say them (extended default eV and Å, ASE's convention;
 * plain default kcal/mol and Å). Files this module writes carry `e_unit` / `r_unit` keys, which the
 * reader honours when no unit is given. Numbers are written in the shortest form that round-trips, so
 * float64 values survive npz → extxyz → npz bit for bit when no unit conversion is involved.
 */
import type { Dataset } from '../dataset.ts';
import { atomicNumber, symbol } from '../../chem/elements.ts';
import {
  energyToKcalMol,
  lengthToAng,
  parseEnergyUnit,
  parseLengthUnit,
  scaleInPlace,
  type EnergyUnit,
  type LengthUnit,
} from '../../chem/units.ts';
import { validateDataset } from '../validate.ts';
import {
  AtomOrderError,
  DatasetFormatError,
  EmptyFileError,
  MissingFieldError,
  XyzParseError,
} from './errors.ts';
import { datasetMd5, type DatasetResult } from './sgdml-dataset.ts';

export interface ReadXyzOptions {
  /** Name for messages (file name). */
  source?: string;
  /** Unit of the energies (and the energy part of forces). Default: the file's `e_unit` key, else eV (extended) / kcal/mol (plain). */
  energyUnit?: EnergyUnit | string;
  /** Unit of positions (and the length part of forces). Default: the file's `r_unit` key, else Å. */
  lengthUnit?: LengthUnit | string;
  /** The force columns hold gradients ∂E/∂R (negated on reading). */
  forcesAreGradients?: boolean;
  /** Comment key to take energies from, when several exist. */
  energyKey?: string;
  /** Properties column to take forces from, when several exist. */
  forcesKey?: string;
  /** Run validation (default true). */
  validate?: boolean;
  /** Check bond lengths for Bohr-looking positions (default true). */
  checkUnits?: boolean;
}

interface Column {
  name: string;
  type: 'S' | 'I' | 'R' | 'L';
  count: number;
  /** first token index in a row */
  start: number;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;
const NONFINITE_RE = /^[+-]?(nan|inf|infinity)$/i;

/** Parse a number token; undefined when it is not one. NaN/Inf literals parse (validation reports them). */
function num(tok: string): number | undefined {
  // Fast path: what Number() accepts, minus its hex/binary/octal and "Infinity" forms (last char must
  // be a digit or '.', second char not a radix letter).
  const v = +tok;
  if (v === v && tok.length > 0) {
    const last = tok.charCodeAt(tok.length - 1);
    const c1 = tok.length > 1 ? tok.charCodeAt(1) | 0x20 : 0;
    if (((last >= 48 && last <= 57) || last === 46) && c1 !== 0x78 && c1 !== 0x62 && c1 !== 0x6f) return v;
  }
  if (NUMBER_RE.test(tok)) return Number(tok.replace(/[dD]/, 'e'));
  if (NONFINITE_RE.test(tok)) return /nan/i.test(tok) ? NaN : tok.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/** Parse an extended-XYZ comment line into key → raw string value (bare keys map to 'T'). */
export function parseCommentLine(line: string, lineNo: number, source?: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = line.length;
  const fail = (msg: string): never => {
    throw new XyzParseError(`${source ? source + ': ' : ''}line ${lineNo}: ${msg}`, { source, line: lineNo });
  };
  const readToken = (stopAtEq: boolean): string => {
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      let s = '';
      while (i < n && line[i] !== q) {
        if (line[i] === '\\' && i + 1 < n) i++;
        s += line[i++];
      }
      if (i >= n) fail(`unterminated ${q}-quoted value in the comment line`);
      i++;
      return s;
    }
    if (q === '{' || q === '[') {
      const close = q === '{' ? '}' : ']';
      const j = line.indexOf(close, i);
      if (j < 0) fail(`unterminated '${q}' in the comment line`);
      const s = line.slice(i + 1, j);
      i = j + 1;
      return s;
    }
    const s0 = i;
    while (i < n && !/\s/.test(line[i]) && !(stopAtEq && line[i] === '=')) i++;
    return line.slice(s0, i);
  };
  for (;;) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    const key = readToken(true);
    while (i < n && line[i] === ' ') i++;
    if (line[i] === '=') {
      i++;
      while (i < n && line[i] === ' ') i++;
      out.set(key, i < n && !/\s/.test(line[i]) ? readToken(false) : '');
    } else out.set(key, 'T');
  }
  return out;
}

function parseProperties(spec: string, lineNo: number, source?: string): Column[] {
  const parts = spec.split(':');
  const where = `${source ? source + ': ' : ''}line ${lineNo}`;
  if (parts.length % 3 !== 0) {
    throw new XyzParseError(`${where}: Properties '${spec}' is not a list of name:type:count triples`, {
      source,
      line: lineNo,
      found: spec,
      expected: 'name:T:m triples, e.g. species:S:1:pos:R:3',
    });
  }
  const cols: Column[] = [];
  let start = 0;
  for (let k = 0; k < parts.length; k += 3) {
    const type = parts[k + 1].toUpperCase();
    const count = Number(parts[k + 2]);
    if (!['S', 'I', 'R', 'L'].includes(type) || !Number.isInteger(count) || count < 1) {
      throw new XyzParseError(
        `${where}: Properties entry '${parts.slice(k, k + 3).join(':')}' is invalid; expected name:T:m with T one of S, I, R, L`,
        {
          source,
          line: lineNo,
          found: parts.slice(k, k + 3).join(':'),
        },
      );
    }
    cols.push({ name: parts[k], type: type as Column['type'], count, start });
    start += count;
  }
  return cols;
}

const ENERGY_PREF = ['REF_energy', 'energy', 'Energy'];
const FORCES_PREF = ['REF_forces', 'forces', 'force', 'Forces'];
const isEnergyKey = (k: string) => /^energy$/i.test(k) || /_energy$/i.test(k);
const isForcesKey = (k: string) => /^(forces?)$/i.test(k) || /_forces?$/i.test(k);

function choose(
  kind: string,
  candidates: string[],
  preferred: string[],
  requested: string | undefined,
  where: string,
  warnings: string[],
): string | null {
  if (requested !== undefined) {
    if (!candidates.includes(requested)) {
      throw new MissingFieldError(
        `${where}: no ${kind} '${requested}'; available: ${candidates.length ? candidates.join(', ') : 'none'}`,
        { key: requested, found: candidates.join(', ') },
      );
    }
    return requested;
  }
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0];
  const pick = preferred.find((p) => candidates.includes(p));
  if (!pick) {
    throw new DatasetFormatError(
      `${where}: several ${kind}s (${candidates.join(', ')}) and none is the reference; choose one (energyKey / forcesKey)`,
      {
        found: candidates.join(', '),
      },
    );
  }
  warnings.push(
    `${where}: several ${kind}s (${candidates.join(', ')}); using '${pick}' (choose another with ${kind.startsWith('energy') ? 'energyKey' : 'forcesKey'})`,
  );
  return pick;
}

/** Read extended or plain XYZ text into a Dataset (Å, kcal/mol, kcal/mol/Å). */
export function readXyz(text: string, opts: ReadXyzOptions = {}): DatasetResult {
  const source = opts.source;
  const pre = source ? `${source}: ` : '';
  const lines = text.split(/\r?\n/);
  // drop trailing blank lines
  let nLines = lines.length;
  while (nLines > 0 && lines[nLines - 1].trim() === '') nLines--;
  if (nLines === 0)
    throw new EmptyFileError(
      `${pre}the file is empty; expected XYZ frames (atom count, comment, one row per atom)`,
      { source },
    );
  const warnings: string[] = [];

  const zFirst: number[] = [];
  const R: number[] = [];
  const F: number[] = [];
  const E: number[] = [];
  const frameKeys: Map<string, string>[] = [];
  let extended: boolean | null = null;
  let energyKey: string | null | undefined; // undefined = not decided yet
  let forcesKey: string | null | undefined;
  let plainForces: boolean | null = null;
  let nAtoms = -1;
  let propsCache: { spec: string; cols: Column[] } | null = null;

  let li = 0;
  let frame = 0;
  while (li < nLines) {
    if (lines[li].trim() === '') {
      li++;
      continue;
    }
    const countLine = li + 1;
    const countTok = lines[li].trim();
    if (!/^\d+$/.test(countTok) || Number(countTok) < 1) {
      const hint =
        frame > 0 && /^[A-Za-z]{1,3}\s+\S+\s+\S+\s+\S+/.test(countTok)
          ? `; this looks like an atom row, so the atom count of frame ${frame} (${nAtoms}) is probably too small`
          : '';
      throw new XyzParseError(
        `${pre}line ${countLine}: expected the atom count of frame ${frame + 1} (a positive integer), found '${truncate(countTok)}'${hint}`,
        {
          source,
          line: countLine,
          frame: frame + 1,
          expected: 'a positive integer',
          found: truncate(countTok),
        },
      );
    }
    const n = Number(countTok);
    if (nAtoms >= 0 && n !== nAtoms) {
      throw new AtomOrderError(
        `${pre}line ${countLine}: frame ${frame + 1} has ${n} atoms but frame 1 has ${nAtoms}; every frame must hold the same atoms in the same order`,
        {
          source,
          line: countLine,
          frame: frame + 1,
          expected: String(nAtoms),
          found: String(n),
        },
      );
    }
    if (li + 2 + n > nLines) {
      const have = Math.max(0, nLines - li - 2);
      throw new XyzParseError(
        `${pre}line ${countLine}: frame ${frame + 1} declares ${n} atoms but the file ends after ${have} atom rows (truncated file or wrong atom count)`,
        {
          source,
          line: countLine,
          frame: frame + 1,
          expected: `${n} atom rows`,
          found: `${have}`,
        },
      );
    }
    const commentLineNo = li + 2;
    const comment = lines[li + 1];
    const isExt = comment.includes('=');
    if (extended === null) extended = isExt;
    else if (extended !== isExt) {
      throw new XyzParseError(
        `${pre}line ${commentLineNo}: frame ${frame + 1} has ${isExt ? 'an extended (key=value)' : 'a plain'} comment line but frame 1 has ${extended ? 'an extended' : 'a plain'} one`,
        { source, line: commentLineNo, frame: frame + 1 },
      );
    }
    let cols: Column[];
    let keys: Map<string, string> | null = null;
    if (isExt) {
      keys = parseCommentLine(comment, commentLineNo, source);
      const spec = keys.get('Properties') ?? keys.get('properties') ?? 'species:S:1:pos:R:3';
      if (!propsCache || propsCache.spec !== spec)
        propsCache = { spec, cols: parseProperties(spec, commentLineNo, source) };
      cols = propsCache.cols;
      if (!cols.some((c) => c.name === 'pos' || c.name === 'positions')) {
        throw new MissingFieldError(
          `${pre}line ${commentLineNo}: Properties '${spec}' has no pos column (positions); expected e.g. Properties=species:S:1:pos:R:3:forces:R:3`,
          {
            source,
            line: commentLineNo,
            key: 'pos',
            found: spec,
          },
        );
      }
      if (!cols.some((c) => c.name === 'species' || c.name === 'Z')) {
        throw new MissingFieldError(
          `${pre}line ${commentLineNo}: Properties '${spec}' has no species (or Z) column; expected e.g. Properties=species:S:1:pos:R:3`,
          {
            source,
            line: commentLineNo,
            key: 'species',
            found: spec,
          },
        );
      }
      if (energyKey === undefined) {
        energyKey = choose(
          'energy key',
          [...keys.keys()].filter(isEnergyKey),
          ENERGY_PREF,
          opts.energyKey,
          `${pre}line ${commentLineNo}`,
          warnings,
        );
      }
      if (forcesKey === undefined) {
        const fc = cols
          .filter((c) => c.type === 'R' && c.count === 3 && isForcesKey(c.name))
          .map((c) => c.name);
        forcesKey = choose(
          'forces column',
          fc,
          FORCES_PREF,
          opts.forcesKey,
          `${pre}line ${commentLineNo}`,
          warnings,
        );
      }
    } else {
      const toks = comment
        .trim()
        .split(/\s+/)
        .filter((t) => t !== '');
      if (energyKey === undefined)
        energyKey = toks.length > 0 && num(toks[0]) !== undefined ? '(line 2)' : null;
      if (energyKey) {
        const v = toks.length > 0 ? num(toks[0]) : undefined;
        if (v === undefined) {
          throw new XyzParseError(
            `${pre}line ${commentLineNo}: expected the energy of frame ${frame + 1} alone on the comment line (as in frame 1), found '${truncate(comment.trim())}'`,
            {
              source,
              line: commentLineNo,
              frame: frame + 1,
              expected: 'a number',
              found: truncate(comment.trim()),
            },
          );
        }
        E.push(v);
      }
      cols = [
        { name: 'species', type: 'S', count: 1, start: 0 },
        { name: 'pos', type: 'R', count: 3, start: 1 },
      ];
      if (plainForces === null) {
        const t = lines[li + 2].trim().split(/\s+/).length;
        plainForces = t >= 7;
      }
      if (plainForces) {
        cols.push({ name: 'forces', type: 'R', count: 3, start: 4 });
        forcesKey = 'forces';
      } else forcesKey = null;
    }
    if (keys) {
      frameKeys.push(keys);
      if (energyKey) {
        const raw = keys.get(energyKey);
        if (raw === undefined) {
          throw new MissingFieldError(
            `${pre}line ${commentLineNo}: frame ${frame + 1} has no '${energyKey}' key, but frame 1 has`,
            {
              source,
              line: commentLineNo,
              frame: frame + 1,
              key: energyKey,
            },
          );
        }
        const v = num(raw);
        if (v === undefined) {
          throw new XyzParseError(
            `${pre}line ${commentLineNo}: ${energyKey} of frame ${frame + 1} is '${truncate(raw)}', not a number`,
            {
              source,
              line: commentLineNo,
              frame: frame + 1,
              key: energyKey,
              found: truncate(raw),
            },
          );
        }
        E.push(v);
      }
    }

    const width = cols.reduce((s, c) => s + c.count, 0);
    const spCol = cols.find((c) => c.name === 'species') ?? cols.find((c) => c.name === 'Z')!;
    const posCol = cols.find((c) => c.name === 'pos' || c.name === 'positions')!;
    const fCol = forcesKey ? cols.find((c) => c.name === forcesKey) : undefined;
    if (forcesKey && !fCol) {
      throw new MissingFieldError(
        `${pre}line ${commentLineNo}: frame ${frame + 1} has no '${forcesKey}' column, but frame 1 has`,
        {
          source,
          line: commentLineNo,
          frame: frame + 1,
          key: forcesKey,
        },
      );
    }
    for (let a = 0; a < n; a++) {
      const lineNo = li + 3 + a;
      const toks = lines[li + 2 + a].trim().split(/\s+/);
      if (toks.length !== width && !(toks.length > width && !isExt)) {
        throw new XyzParseError(
          `${pre}line ${lineNo}: frame ${frame + 1}, atom ${a + 1}: expected ${width} columns (${cols.map((c) => `${c.name}:${c.type}:${c.count}`).join(' ')}), found ${toks.length}`,
          {
            source,
            line: lineNo,
            frame: frame + 1,
            atom: a + 1,
            expected: String(width),
            found: String(toks.length),
          },
        );
      }
      const spTok = toks[spCol.start];
      let z: number | undefined;
      if (spCol.name === 'Z' || /^\d+$/.test(spTok)) {
        z = Number(spTok);
        if (!Number.isInteger(z) || z < 1 || z > 118) z = undefined;
      } else z = atomicNumber(spTok);
      if (z === undefined) {
        throw new XyzParseError(
          `${pre}line ${lineNo}: frame ${frame + 1}, atom ${a + 1}: unknown element '${truncate(spTok)}'`,
          {
            source,
            line: lineNo,
            frame: frame + 1,
            atom: a + 1,
            found: truncate(spTok),
          },
        );
      }
      if (frame === 0) zFirst.push(z);
      else if (zFirst[a] !== z) {
        throw new AtomOrderError(
          `${pre}line ${lineNo}: frame ${frame + 1}, atom ${a + 1} is ${safeSymbol(z)} but atom ${a + 1} of frame 1 is ${safeSymbol(zFirst[a])}; every frame must list the atoms in the same order`,
          {
            source,
            line: lineNo,
            frame: frame + 1,
            atom: a + 1,
            expected: safeSymbol(zFirst[a]),
            found: safeSymbol(z),
          },
        );
      }
      readVec(toks, posCol, R, lineNo, frame, a, source);
      if (fCol) readVec(toks, fCol, F, lineNo, frame, a, source);
    }
    nAtoms = n;
    li += 2 + n;
    frame++;
  }

  const M = frame;
  const eUnit = parseEnergyUnit(
    opts.energyUnit ?? frameKeys[0]?.get('e_unit') ?? (extended ? 'eV' : 'kcal/mol'),
  );
  const lUnit = parseLengthUnit(opts.lengthUnit ?? frameKeys[0]?.get('r_unit') ?? 'Ang');
  if (!opts.energyUnit && !frameKeys[0]?.get('e_unit') && (E.length || F.length)) {
    warnings.push(
      `${pre}the file does not state its units; read energies as ${eUnit} and positions as ${lUnit} (set energyUnit / lengthUnit if that is wrong)`,
    );
  }
  const pbc = frameKeys[0]?.get('pbc');
  if (pbc && /T/i.test(pbc))
    warnings.push(`${pre}pbc="${pbc}": periodic boundary conditions are ignored (molecules only)`);
  const ef = energyToKcalMol(eUnit);
  const lf = lengthToAng(lUnit);
  const Rarr = scaleInPlace(Float64Array.from(R), lf);
  const Earr = energyKey ? scaleInPlace(Float64Array.from(E), ef) : null;
  const Farr = forcesKey
    ? scaleInPlace(Float64Array.from(F), (opts.forcesAreGradients ? -ef : ef) / lf)
    : null;

  // Per-frame numeric keys present in every frame; constant string keys go to meta.
  const meta: Record<string, string> = {
    format: extended ? 'extxyz' : 'xyz',
    energy_unit_read: eUnit,
    length_unit_read: lUnit,
  };
  if (source) meta.source = source;
  if (energyKey && extended) meta.energy_key = energyKey;
  if (forcesKey && extended) meta.forces_key = forcesKey;
  if (opts.forcesAreGradients) meta.forces_from_gradients = 'true';
  const frameProps: Record<string, Float64Array> = {};
  if (extended) {
    const skip = new Set([
      'Properties',
      'properties',
      'Lattice',
      'pbc',
      'e_unit',
      'r_unit',
      'name',
      'theory',
    ]);
    const allKeys = new Set<string>();
    for (const k of frameKeys) for (const key of k.keys()) allKeys.add(key);
    for (const key of allKeys) {
      if (skip.has(key) || isEnergyKey(key)) continue;
      const present = frameKeys.filter((k) => k.has(key)).length;
      const vals = frameKeys.map((k) => (k.has(key) ? num(k.get(key)!) : undefined));
      const numeric = frameKeys.every((k, i) => !k.has(key) || vals[i] !== undefined);
      if (numeric) {
        if (present === M) frameProps[key] = Float64Array.from(vals as number[]);
        else warnings.push(`${pre}per-frame key '${key}' appears in only ${present} of ${M} frames; ignored`);
      } else {
        const first = frameKeys[0].get(key);
        if (present === M && frameKeys.every((k) => k.get(key) === first)) meta[key] = first!;
      }
    }
  }
  const name =
    frameKeys[0]?.get('name') ?? (source ?? 'dataset').replace(/^.*[\\/]/, '').replace(/\.(ext)?xyz$/i, '');
  const dataset: Dataset = {
    name,
    theory: frameKeys[0]?.get('theory') ?? '',
    z: Int32Array.from(zFirst),
    nAtoms,
    nFrames: M,
    R: Rarr,
    E: Earr,
    F: Farr,
    meta,
  };
  if (Object.keys(frameProps).length) dataset.frameProps = frameProps;
  if (!Earr)
    warnings.push(
      `${pre}no energies found${extended ? ' (no energy, Energy, REF_energy or <prefix>_energy key)' : ''}`,
    );
  if (!Farr)
    warnings.push(
      `${pre}no forces found${extended ? ' (no forces, force, REF_forces or <prefix>_forces column)' : ''}`,
    );
  if (opts.validate !== false)
    warnings.push(...validateDataset(dataset, { source, checkUnits: opts.checkUnits }));
  // The fingerprint sGDML would give this dataset once stored as npz (z int64, float64 arrays).
  if (Farr) dataset.md5 = datasetMd5(dataset);
  return { dataset, warnings };
}

/** Append the 3 numbers of column `col` of a row to `into` (frame, atom 0-based; messages 1-based). */
function readVec(
  toks: string[],
  col: Column,
  into: number[],
  lineNo: number,
  frame: number,
  a: number,
  source?: string,
): void {
  for (let k = 0; k < 3; k++) {
    const tok = toks[col.start + k];
    const v = num(tok);
    if (v === undefined) {
      throw new XyzParseError(
        `${source ? source + ': ' : ''}line ${lineNo}, column ${col.start + k + 1}: frame ${frame + 1}, atom ${a + 1}: expected a number for ${col.name} (${'xyz'[k]}), found '${truncate(tok)}'`,
        {
          source,
          line: lineNo,
          frame: frame + 1,
          atom: a + 1,
          key: col.name,
          expected: 'a number',
          found: truncate(tok),
        },
      );
    }
    into.push(v);
  }
}

function truncate(s: string, n = 40): string {
  return s.length > n ? s.slice(0, n) + '…' : s;
}

function safeSymbol(z: number): string {
  try {
    return symbol(z);
  } catch {
    return `Z=${z}`;
  }
}

// ---------------------------------------------------------------------------------------------

export interface ModelColumns {
  /** Column prefix, e.g. 'SGDML' → SGDML_energy, SGDML_forces. */
  name: string;
  /** Predicted energies, kcal/mol, length nFrames. */
  E?: Float64Array;
  /** Predicted forces, kcal/mol/Å, length nFrames·nAtoms·3. */
  F?: Float64Array;
}

export interface WriteXyzOptions {
  /** Plain XYZ: energy alone on line 2, rows `El x y z fx fy fz` (no model columns or per-frame keys). */
  plain?: boolean;
  /** Unit to write energies in (default kcal/mol; the file states it as e_unit). */
  energyUnit?: EnergyUnit | string;
  /** Unit to write lengths in (default Å; stated as r_unit). */
  lengthUnit?: LengthUnit | string;
  /** Key of the reference energy / forces (default REF_energy / REF_forces). */
  energyKey?: string;
  forcesKey?: string;
  /** Extra per-model columns. */
  models?: ModelColumns[];
  /** Extra per-frame keys beside the dataset's own frameProps. */
  frameProps?: Record<string, ArrayLike<number>>;
}

/** Double-quote a comment-line value, escaping quotes and backslashes. */
const quote = (v: string) => `"${v.replace(/[\\"]/g, (c) => '\\' + c).replace(/[\r\n]+/g, ' ')}"`;

/** Shortest decimal that parses back to the same float64. */
const fmt = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

/** Write a Dataset as extended XYZ (default) or plain XYZ text. */
export function writeXyz(ds: Dataset, opts: WriteXyzOptions = {}): string {
  const N = ds.nAtoms;
  const eUnit = parseEnergyUnit(opts.energyUnit ?? 'kcal/mol');
  const lUnit = parseLengthUnit(opts.lengthUnit ?? 'Ang');
  const ef = 1 / energyToKcalMol(eUnit);
  const lf = 1 / lengthToAng(lUnit);
  const ff = ef / lf;
  const cv = (x: number, f: number) => fmt(f === 1 ? x : x * f);
  const syms = Array.from(ds.z, (z) => symbol(z));
  const models = opts.plain ? [] : (opts.models ?? []);
  for (const m of models) {
    if (m.E && m.E.length !== ds.nFrames)
      throw new DatasetFormatError(`model ${m.name}: ${m.E.length} energies for ${ds.nFrames} frames`);
    if (m.F && m.F.length !== ds.nFrames * N * 3)
      throw new DatasetFormatError(`model ${m.name}: ${m.F.length} force values for ${ds.nFrames}×${N}×3`);
  }
  const props: Record<string, ArrayLike<number>> = opts.plain
    ? {}
    : { ...(ds.frameProps ?? {}), ...(opts.frameProps ?? {}) };
  for (const [k, v] of Object.entries(props)) {
    if (!/^[A-Za-z_][\w.-]*$/.test(k))
      throw new DatasetFormatError(`per-frame key '${k}' is not a valid extxyz key`);
    if (v.length !== ds.nFrames)
      throw new DatasetFormatError(`per-frame key '${k}': ${v.length} values for ${ds.nFrames} frames`);
  }
  const eKey = opts.energyKey ?? 'REF_energy';
  const fKey = opts.forcesKey ?? 'REF_forces';
  let propSpec = 'species:S:1:pos:R:3';
  if (ds.F) propSpec += `:${fKey}:R:3`;
  for (const m of models) if (m.F) propSpec += `:${m.name}_forces:R:3`;
  const out: string[] = [];
  for (let m = 0; m < ds.nFrames; m++) {
    out.push(String(N));
    if (opts.plain) out.push(ds.E ? cv(ds.E[m], ef) : '');
    else {
      const parts = [`Properties=${propSpec}`];
      if (ds.E) parts.push(`${eKey}=${cv(ds.E[m], ef)}`);
      for (const mo of models) if (mo.E) parts.push(`${mo.name}_energy=${cv(mo.E[m], ef)}`);
      for (const [k, v] of Object.entries(props)) parts.push(`${k}=${fmt(v[m])}`);
      parts.push(`e_unit=${eUnit}`, `r_unit=${lUnit}`, 'pbc="F F F"');
      if (m === 0) {
        if (ds.name) parts.push(`name=${quote(ds.name)}`);
        if (ds.theory) parts.push(`theory=${quote(ds.theory)}`);
      }
      out.push(parts.join(' '));
    }
    for (let i = 0; i < N; i++) {
      const o = (m * N + i) * 3;
      let row = `${syms[i].padEnd(2)} ${cv(ds.R[o], lf)} ${cv(ds.R[o + 1], lf)} ${cv(ds.R[o + 2], lf)}`;
      if (ds.F) row += ` ${cv(ds.F[o], ff)} ${cv(ds.F[o + 1], ff)} ${cv(ds.F[o + 2], ff)}`;
      for (const mo of models)
        if (mo.F) row += ` ${cv(mo.F[o], ff)} ${cv(mo.F[o + 1], ff)} ${cv(mo.F[o + 2], ff)}`;
      out.push(row);
    }
  }
  return out.join('\n') + '\n';
}
