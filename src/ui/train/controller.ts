/**
 * The Train tab's actions: start a training in the compute worker (progress into useTraining), pause,
 * resume, cancel (the worker's AbortSignal first; if the worker does not answer within a few
 * seconds, the compute worker is terminated and respawned), and on success add the model to the
 * shared models store so every tab (the explorer included) can use it.
 */
import * as Comlink from 'comlink';
import { getServices } from '../../app/services';
import { isCancelled } from '../../compute/workerClient';
import type { TrainProgressReport, TrainRequest } from '../../compute/trainTasks';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { useTraining } from '../../state/training';
import { stopComputeJob } from '../stopComputeJob';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let running: Promise<unknown> | null = null;

export async function startTraining(req: TrainRequest, label: string): Promise<void> {
  const st = useTraining.getState();
  if (st.status === 'running' || st.status === 'paused' || st.status === 'cancelling') return;
  const runId = st.begin(req.kind, label);
  useStore.getState().dismissErrorsFrom('train');
  const compute = getServices().compute;
  const onProgress = Comlink.proxy((p: TrainProgressReport) => useTraining.getState().progress(runId, p));
  const job = compute.call((api) => api.startTraining(req, onProgress));
  running = job;
  try {
    const out = await job;
    const modelId = useModels.getState().addModel({
      label,
      kind: out.model.kind,
      serialized: out.model,
      z: out.z,
      trainedOn: out.datasetName,
      nTrain: out.nTrain,
      metrics: {
        eRmse: out.test.eRmse,
        eMae: out.test.eMae,
        fRmse: out.test.fRmse,
        fMae: out.test.fMae,
        nTest: out.test.n,
      },
    });
    useTraining.getState().finish(runId, out, modelId);
  } catch (e) {
    const s = useTraining.getState();
    const cancelled =
      isCancelled(e) || s.status === 'cancelling' || (e as { name?: string })?.name === 'AbortError';
    if (cancelled) s.fail(runId, 'cancelled');
    else {
      s.fail(runId, 'error', message(e));
      useStore.getState().pushError('Training failed.', message(e), 'train');
    }
  } finally {
    if (running === job) running = null;
  }
}

export async function pauseTraining(): Promise<void> {
  const ok = await getServices().compute.call((api) => api.pauseTraining());
  if (ok) useTraining.getState().setPaused(true);
}

export async function resumeTraining(): Promise<void> {
  const ok = await getServices().compute.call((api) => api.resumeTraining());
  if (ok) useTraining.getState().setPaused(false);
}

export async function cancelTraining(): Promise<void> {
  const st = useTraining.getState();
  if (st.status !== 'running' && st.status !== 'paused') return;
  st.setStatus('cancelling');
  const job = running;
  await stopComputeJob(
    (api) => api.cancelTraining(),
    job,
    () => running === job,
  );
}

// for the browser tests and the console: the training state and the shared model list
Object.assign(window, { __pesTrain: { useTraining, useModels, startTraining } });
