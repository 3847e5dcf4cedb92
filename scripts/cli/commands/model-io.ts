/**
 * Shared helpers of `pes train | predict | test`: reading index files, loading any model file, writing
 * models, progress printing. Model kinds are dispatched through `MODEL_LOADERS` (one line per kind).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../main.ts';
import type { ForceField, ModelKind, SerializedModel, TrainProgress } from '../../../src/models/types.ts';
import { SgdmlModel } from '../../../src/models/sgdml/model.ts';
import { deserializeGap } from '../../../src/models/gap/gap.ts';
import { loadNNModel } from '../../../src/models/nn-common/cli.ts';
import { readNpz } from '../../../src/data/io/npz.ts';
import { npyToInt32, parseNpy } from '../../../src/data/io/npy.ts';

/** Loaders of our JSON model format, by kind. Other engineers: add one line for your model. */
export const MODEL_LOADERS: Partial<Record<ModelKind, (s: SerializedModel) => ForceField>> = {
  sgdml: (s) => SgdmlModel.deserialize(s),
  gap: (s) => deserializeGap(s),
  schnet: (s) => loadNNModel(s),
  bpnn: (s) => loadNNModel(s),
};

export function readBytes(path: string): Uint8Array {
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(e.code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${e.message}`);
  }
}

/** Loads a model: a reference sGDML `.npz`, or our JSON (`{kind, version, payload}`). */
export function loadModel(path: string): { model: ForceField; warnings: string[] } {
  const bytes = readBytes(path);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    try {
      return SgdmlModel.fromNpz(bytes, path);
    } catch (e) {
      throw new CliError(`${path}: ${(e as Error).message}`);
    }
  }
  let s: SerializedModel;
  try {
    s = JSON.parse(new TextDecoder().decode(bytes)) as SerializedModel;
  } catch {
    throw new CliError(`${path}: not a model file (neither an sGDML .npz nor our JSON model format)`);
  }
  const load = MODEL_LOADERS[s.kind];
  if (!load) throw new CliError(`${path}: model kind '${s.kind}' is not supported by this build`);
  return { model: load(s), warnings: [] };
}

/** Writes a model: `.npz` in the reference sGDML format (sGDML 1/r only), anything else as our JSON. */
export function saveModel(model: ForceField, path: string): void {
  if (path.toLowerCase().endsWith('.npz')) {
    if (!(model instanceof SgdmlModel))
      throw new CliError(`only sGDML models can be written as .npz; use .json`);
    try {
      writeFileSync(path, model.toNpz());
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else writeFileSync(path, JSON.stringify(model.serialize()));
}

/**
 * Frame indices from a file: whitespace/comma-separated integers (text or JSON array), a `.npy` integer
 * array, or an `.npz` (its `idxs_train`, or the key given after a colon: `model.npz:idxs_valid`).
 */
export function readIndices(spec: string, nFrames: number): Int32Array {
  let path = spec,
    key = 'idxs_train';
  const m = /^(.*\.npz):(\w+)$/i.exec(spec);
  if (m) {
    path = m[1];
    key = m[2];
  }
  const bytes = readBytes(path);
  let idx: Int32Array;
  if (path.toLowerCase().endsWith('.npz')) {
    const { arrays } = readNpz(bytes, { source: path, only: [key] });
    if (!arrays[key]) throw new CliError(`${path}: has no '${key}' array`);
    idx = npyToInt32(arrays[key], key);
  } else if (path.toLowerCase().endsWith('.npy')) idx = npyToInt32(parseNpy(bytes), path);
  else {
    const txt = new TextDecoder().decode(bytes).replace(/[[\]]/g, ' ');
    const parts = txt.split(/[\s,]+/).filter((t) => t.length > 0);
    idx = Int32Array.from(parts, (t) => {
      const v = Number(t);
      if (!Number.isInteger(v)) throw new CliError(`${path}: '${t}' is not a frame index`);
      return v;
    });
  }
  for (const i of idx)
    if (i < 0 || i >= nFrames)
      throw new CliError(`${spec}: index ${i} is outside the dataset's ${nFrames} frames`);
  return idx;
}

/** A progress printer for stderr: one updating line on a TTY, a line per stage change (and every ~10 %) otherwise. */
export function progressPrinter(): (p: TrainProgress) => void {
  const tty = process.stderr.isTTY;
  let lastKey = '';
  let lastFrac = -1;
  let lastT = 0;
  return (p) => {
    const pct = (100 * p.fraction).toFixed(1).padStart(5);
    const line = `[${pct} %] ${p.stage}${p.message ? ': ' + p.message : ''}`;
    const now = Date.now();
    if (tty) {
      if (now - lastT > 200 || p.fraction >= 1) {
        process.stderr.write('\r' + line.slice(0, 110).padEnd(110));
        lastT = now;
      }
      if (p.stage === 'done') process.stderr.write('\n');
    } else {
      const key = p.stage + (p.stage === 'sigma' ? p.message : '');
      if (key !== lastKey || p.fraction - lastFrac >= 0.1 || p.stage === 'done') {
        process.stderr.write(line + '\n');
        lastKey = key;
        lastFrac = p.fraction;
      }
    }
  };
}

/** Parses a σ grid "10:90:10" (start:stop:step, inclusive) or "10,20,40". */
export function parseGrid(s: string): number[] {
  const m = /^([\d.]+):([\d.]+):([\d.]+)$/.exec(s);
  if (m) {
    const [a, b, st] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!(st > 0) || b < a) throw new CliError(`bad grid '${s}': expected start:stop:step`);
    const out: number[] = [];
    for (let v = a; v <= b + 1e-9; v += st) out.push(Number(v.toFixed(10)));
    return out;
  }
  const vals = s.split(',').map(Number);
  if (vals.some((v) => !(v > 0)))
    throw new CliError(`bad grid '${s}': expected start:stop:step or a comma-separated list`);
  return vals;
}
