/**
 * The error-flattening panel's actions: run the selection in the compute worker (progress per round into
 * useFlatten), cancel (the worker's AbortSignal first; if it does not answer within a few seconds the
 * compute worker is terminated and respawned), and put the final model into the shared models store.
 */
import * as Comlink from 'comlink';
import { getServices } from '../../app/services';
import { isCancelled } from '../../compute/workerClient';
import type { FlattenProgress, FlattenRequest } from '../../compute/beyondTasks';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { stopComputeJob } from '../stopComputeJob';
import { useFlatten } from './flattenState';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running: Promise<unknown> | null = null;

export async function startFlatten(req: FlattenRequest, label: string): Promise<void> {
  const st = useFlatten.getState();
  if (st.status === 'running' || st.status === 'cancelling') return;
  const runId = st.begin(label);
  useStore.getState().dismissErrorsFrom('flatten');
  const onProgress = Comlink.proxy((p: FlattenProgress) => useFlatten.getState().progress(runId, p));
  const job = getServices().compute.call((api) => api.flattenSelect(req, onProgress));
  running = job;
  try {
    useFlatten.getState().finish(runId, await job);
  } catch (e) {
    const s = useFlatten.getState();
    if (isCancelled(e) || s.status === 'cancelling' || (e as { name?: string })?.name === 'AbortError')
      s.fail(runId, 'cancelled');
    else {
      s.fail(runId, 'error', message(e));
      useStore.getState().pushError('The error-flattening selection failed.', message(e), 'flatten');
    }
  } finally {
    if (running === job) running = null;
  }
}

export async function cancelFlatten(): Promise<void> {
  const st = useFlatten.getState();
  if (st.status !== 'running') return;
  st.setStatus('cancelling');
  const job = running;
  await stopComputeJob(
    (api) => api.cancelFlattenSelection(),
    job,
    () => running === job,
  );
}

/** Adds the final error-flattened model to the shared models list (explorer, evaluation); returns its id. */
export function adoptFlattenedModel(): string | null {
  const s = useFlatten.getState();
  const r = s.result;
  if (s.status !== 'done' || !r) return null;
  if (s.modelId && useModels.getState().models.some((m) => m.id === s.modelId)) return s.modelId;
  const last = r.rounds[r.rounds.length - 1]?.flattened;
  const id = useModels.getState().addModel({
    label: s.label,
    kind: r.model.kind,
    serialized: r.model,
    z: r.z,
    trainedOn: r.datasetName,
    nTrain: r.trainIdx.length,
    metrics: last
      ? {
          eRmse: last.eRmse,
          eMae: last.eMae,
          fRmse: last.fRmse,
          fMae: last.fMae,
          nTest: r.testIdx.length,
        }
      : undefined,
  });
  useFlatten.getState().setModelId(id);
  return id;
}

// for the browser tests and the console
Object.assign(window, { __pesFlatten: { useFlatten } });
