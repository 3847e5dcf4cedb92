/**
 * Runs the panel's jobs in the compute worker (getServices().compute) and records progress and results in
 * useBeyond. Cancel terminates and respawns the compute worker.
 */
import * as Comlink from 'comlink';
import { getServices } from '../../app/services';
import { isCancelled } from '../../compute/workerClient';
import type { TaskProgress } from '../../compute/workerApi';
import type { MdRequest, MixtureTrainRequest, NebRequest } from '../../compute/beyondTasks';
import { useStore } from '../../state/store';
import { useModels } from '../../state/models';
import { useBeyond, type BeyondState } from './state';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function run<K extends 'neb' | 'md' | 'mix'>(
  k: K,
  label: string,
  call: (onProgress: (p: TaskProgress) => void) => Promise<NonNullable<BeyondState[K]['result']>>,
): Promise<void> {
  const st = useBeyond.getState();
  if (st[k].status === 'running') return;
  useStore.getState().dismissErrorsFrom(`beyond-${k}`);
  st.set(k, {
    status: 'running',
    fraction: 0,
    message: 'starting…',
    error: undefined,
    startedAt: Date.now(),
  });
  const onProgress = Comlink.proxy((p: TaskProgress) => {
    if (useBeyond.getState()[k].status !== 'running') return;
    useBeyond.getState().set(k, { fraction: p.fraction, message: p.message });
  });
  try {
    const result = await call(onProgress);
    useBeyond.getState().set(k, { status: 'done', fraction: 1, result, message: undefined });
  } catch (e) {
    if (isCancelled(e) || useBeyond.getState()[k].status === 'cancelled')
      useBeyond.getState().set(k, { status: 'cancelled', message: 'cancelled' });
    else {
      useBeyond.getState().set(k, { status: 'error', error: message(e) });
      useStore.getState().pushError(`${label} failed.`, message(e), `beyond-${k}`);
    }
  }
}

export function runNeb(req: NebRequest): Promise<void> {
  return run('neb', 'The NEB path search', (p) => getServices().compute.call((api) => api.nebPath(req, p)));
}

export function runMd(req: MdRequest): Promise<void> {
  return run('md', 'The Langevin MD run', (p) => getServices().compute.call((api) => api.langevinMd(req, p)));
}

export async function trainMixture(req: MixtureTrainRequest, label: string): Promise<void> {
  await run('mix', 'Training the mixture', (p) =>
    getServices().compute.call((api) => api.trainMixture(req, p)),
  );
  const r = useBeyond.getState().mix.result;
  if (useBeyond.getState().mix.status === 'done' && r)
    useModels.getState().addModel({
      label,
      kind: 'mixture',
      serialized: r.model,
      z: r.z,
      trainedOn: r.datasetName,
      nTrain: req.nTrain,
    });
}

export async function cancel(k: 'neb' | 'md' | 'mix'): Promise<void> {
  if (useBeyond.getState()[k].status !== 'running') return;
  useBeyond.getState().set(k, { status: 'cancelled', message: 'cancelled' });
  await getServices().compute.cancel();
}
