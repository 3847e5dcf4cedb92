/**
 * Slider-time predictions of loaded models in the predict worker; owned by the explorer.
 * The methods here are spread into the worker's comlink API (workers/*.worker.ts) and their type
 * into src/compute/workerApi.ts, so each feature adds methods without touching the worker shells.
 *
 * The worker keeps live ForceFields keyed by the id the main thread gives them (useModels ids);
 * the main thread keeps that set in sync and asks for predictions of several models at once.
 */
import { deserializeModel } from '../models/load';
import type { ForceField, ModelKind, Prediction, SerializedModel } from '../models/types';

/** One model's answer; `error` instead of numbers when that model failed (the others still answer). */
export interface ModelPrediction {
  E?: Float64Array;
  F?: Float64Array;
  varE?: Float64Array;
  error?: string;
}

/** A model file read and checked in the worker, ready to add to useModels. */
export interface ParsedModelFile {
  serialized: SerializedModel;
  kind: ModelKind;
  z: number[];
  /** 'json' (our format) or 'sgdml-npz' (reference sGDML model, converted to our format). */
  format: 'json' | 'sgdml-npz';
  warnings: string[];
  /** A few facts for the label (M, σ, …) when the model states them. */
  facts: Record<string, string | number>;
}

export interface PredictWorkerMethods {
  /** Deserialises and keeps a model under `id` (replacing one with the same id). */
  loadModel(id: string, serialized: SerializedModel): Promise<{ kind: ModelKind; nAtoms: number }>;
  unloadModel(id: string): Promise<boolean>;
  /** Ids of the models held now. */
  loadedModelIds(): Promise<string[]>;
  /** Energies and forces of each model for nConf geometries (flat R, Å); unknown ids give an error entry. */
  predict(ids: string[], R: Float64Array, nConf: number): Promise<Record<string, ModelPrediction>>;
  /** Reads a model file (our JSON, or a reference sGDML .npz) and checks it deserialises. */
  parseModelFile(name: string, bytes: Uint8Array): Promise<ParsedModelFile>;
}

const models = new Map<string, ForceField>();

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

function isZip(b: Uint8Array) {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b;
}

/** Reads and validates a model file; throws with a precise reason. Exported for unit tests. */
export async function parseModelBytes(name: string, bytes: Uint8Array): Promise<ParsedModelFile> {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty (0 bytes)`);
  if (isZip(bytes)) {
    const { SgdmlModel } = await import('../models/sgdml/model');
    const { model, warnings } = SgdmlModel.fromNpz(bytes, name);
    return {
      serialized: model.serialize(),
      kind: 'sgdml',
      z: Array.from(model.z),
      format: 'sgdml-npz',
      warnings,
      facts: { M: model.M, sigma: model.data.sigma },
    };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `${name}: not a model file: expected our JSON model format or a reference sGDML .npz (JSON error: ${msg(e)})`,
      { cause: e },
    );
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new Error(`${name}: not a model: expected a JSON object with "kind", "version" and "payload"`);
  const s = doc as Partial<SerializedModel>;
  if (typeof s.kind !== 'string') throw new Error(`${name}: not a model: no "kind" field`);
  if (typeof s.version !== 'number') throw new Error(`${name}: ${s.kind} model without a numeric "version"`);
  if (typeof s.payload !== 'object' || s.payload === null)
    throw new Error(`${name}: ${s.kind} model without a "payload" object`);
  let ff: ForceField;
  try {
    ff = await deserializeModel(s as SerializedModel);
  } catch (e) {
    throw new Error(`${name}: the ${s.kind} model could not be read: ${msg(e)}`, { cause: e });
  }
  const facts: Record<string, string | number> = {};
  const p = s.payload as Record<string, unknown>;
  if (typeof p.sigma === 'number') facts.sigma = p.sigma;
  const m = (ff as { M?: unknown }).M;
  if (typeof m === 'number') facts.M = m;
  return {
    serialized: s as SerializedModel,
    kind: ff.kind,
    z: Array.from(ff.z),
    format: 'json',
    warnings: [],
    facts,
  };
}

function finite(a: Float64Array | undefined) {
  if (!a) return true;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

export const predictWorkerMethods: PredictWorkerMethods = {
  async loadModel(id, serialized) {
    const ff = await deserializeModel(serialized);
    models.set(id, ff);
    return { kind: ff.kind, nAtoms: ff.z.length };
  },
  async unloadModel(id) {
    return models.delete(id);
  },
  async loadedModelIds() {
    return [...models.keys()];
  },
  async predict(ids, R, nConf) {
    const out: Record<string, ModelPrediction> = {};
    for (const id of ids) {
      const ff = models.get(id);
      if (!ff) {
        out[id] = { error: `model ${id} is not loaded in the predict worker` };
        continue;
      }
      if (R.length !== nConf * ff.z.length * 3) {
        out[id] = {
          error: `model has ${ff.z.length} atoms; the geometry has ${R.length / 3 / Math.max(nConf, 1)}`,
        };
        continue;
      }
      try {
        const p: Prediction = ff.predict(R, nConf);
        if (!finite(p.E) || !finite(p.F)) out[id] = { error: 'the model returned non-finite values' };
        else out[id] = { E: p.E, F: p.F, varE: p.varE };
      } catch (e) {
        out[id] = { error: msg(e) };
      }
    }
    return out;
  },
  parseModelFile: (name, bytes) => parseModelBytes(name, bytes),
};
