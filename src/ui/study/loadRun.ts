/**
 * Fetching a catalogue run's committed files: its results (parsed and cached per page) and its saved best
 * model, which goes into the shared models store so the explorer shows it.
 */
import { parseResults, type ExperimentResults } from '../../eval/results';
import type { SerializedModel } from '../../models/types';
import { useModels } from '../../state/models';
import type { CatalogueRun } from './catalogue';

const cache = new Map<string, Promise<ExperimentResults>>();

export function fetchResults(run: CatalogueRun): Promise<ExperimentResults> {
  if (!run.resultsUrl) return Promise.reject(new Error(`${run.id}: no results file in this build`));
  let p = cache.get(run.key);
  if (!p) {
    p = fetch(run.resultsUrl)
      .then((r) => {
        if (!r.ok) throw new Error(`${run.key}: HTTP ${r.status}`);
        return r.text();
      })
      .then((t) => parseResults(t, run.key));
    p.catch(() => cache.delete(run.key));
    cache.set(run.key, p);
  }
  return p;
}

/** Why a run has no "Load into explorer" (null when it can be loaded). */
export function whyNoModel(run: CatalogueRun): string | null {
  if (run.modelUrl) return null;
  if (run.note?.startsWith('best model not saved')) return `No saved model: ${run.note}.`;
  if (run.status === 'unindexed' || run.status === 'complete' || run.status === 'partial')
    return 'No saved model: results files from `pes experiment` keep errors and training indices, not model weights. `pes study` saves the best model of each run (<run>.model.json).';
  return `No model: this run ${run.status === 'skipped' ? 'was skipped' : 'failed'}${run.note ? ` (${run.note})` : ''}.`;
}

/** Adds the run's saved model to the shared models store (id "study:<run id>"); returns its id. */
export async function loadRunModel(run: CatalogueRun, results?: ExperimentResults): Promise<string> {
  if (!run.modelUrl) throw new Error(whyNoModel(run) ?? 'no model');
  const r = await fetch(run.modelUrl);
  if (!r.ok) throw new Error(`${run.modelUrl}: HTTP ${r.status}`);
  const m = (await r.json()) as SerializedModel & { study?: { size: number; fold: number } };
  const z = (m.payload as { z?: unknown } | null)?.z;
  if (typeof m.kind !== 'string' || !Array.isArray(z))
    throw new Error(`${run.id}: the saved model has no kind or atoms (payload.z)`);
  const size = m.study?.size;
  const s = results?.summary.find((q) => q.size === size);
  const id = `study:${run.key}`;
  useModels.getState().addModel({
    id,
    label: `${run.label} n=${size ?? '?'} (${run.dataset})`,
    kind: m.kind,
    serialized: { kind: m.kind, version: m.version, payload: m.payload },
    z: z as number[],
    trainedOn: run.dataset,
    nTrain: size,
    metrics: s
      ? { eRmse: s.best.eRmse, fRmse: s.best.fRmse, eMae: s.best.eMae, fMae: s.best.fMae, nTest: s.best.n }
      : undefined,
  });
  return id;
}
