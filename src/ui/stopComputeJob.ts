/**
 * Stopping a job in the compute worker, shared by the Train, Evaluate and error-flattening actions: ask
 * the job to stop (its AbortSignal in the worker), wait a few seconds for it to settle, and if it has
 * not (the worker is inside a long synchronous step), terminate and respawn the compute worker.
 */
import type * as Comlink from 'comlink';
import { getServices } from '../app/services';
import type { ComputeWorkerApi } from '../compute/workerApi';
import { useStore } from '../state/store';

/** How long a cancel waits for the job to notice its AbortSignal before the worker is terminated. */
export const CANCEL_GRACE_MS = 3000;

/**
 * Asks the worker to stop `job` with `ask`; returns once the job settled, or after `graceMs` with the
 * worker restarted if `stillRunning()` (the caller's own record of the job) still says so.
 */
export async function stopComputeJob(
  ask: (api: Comlink.Remote<ComputeWorkerApi>) => Promise<unknown>,
  job: Promise<unknown> | null,
  stillRunning: () => boolean,
  graceMs = CANCEL_GRACE_MS,
): Promise<void> {
  const compute = getServices().compute;
  const settled = compute.call(ask).then(
    () => job?.catch(() => undefined),
    () => job?.catch(() => undefined),
  );
  const inTime = await Promise.race([
    settled.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), graceMs)),
  ]);
  if (!inTime && stillRunning()) {
    useStore.getState().setWorker('compute', { status: 'starting' });
    await compute.cancel().catch(() => undefined);
  }
}
