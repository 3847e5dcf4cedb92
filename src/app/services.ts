/**
 * Creates the two worker clients once per page (outside React, so StrictMode cannot double them)
 * and wires them to the store: backend status, the predict worker's geometry read-out (latest
 * request wins) and the long demo job with progress and cancel.
 */
import { ComputeClient, PredictClient, STALE, isCancelled } from '../compute/workerClient';
import { parseBackendParam, type BackendName } from '../compute/workerApi';
import { useStore } from '../state/store';

export interface Services {
  requested?: BackendName;
  compute: ComputeClient;
  predict: PredictClient;
  startLongTask(seconds: number): Promise<void>;
  cancelLongTask(): Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let services: Services | null = null;

export function getServices(): Services {
  if (services) return services;
  const requested = parseBackendParam(new URLSearchParams(window.location.search).get('backend'));
  const store = useStore.getState();
  const compute = new ComputeClient(requested);
  const predict = new PredictClient(requested);

  for (const [which, client] of [
    ['compute', compute],
    ['predict', predict],
  ] as const) {
    store.setWorker(which, { status: 'starting', requested });
    client.onInit = (info, error) => {
      if (info) useStore.getState().setWorker(which, { status: 'ready', info, error: undefined });
      else {
        useStore.getState().setWorker(which, { status: 'error', error: message(error) });
        useStore
          .getState()
          .pushError(
            `The ${which} worker could not start a tfjs backend${requested ? ` (${requested})` : ''}.`,
            message(error),
          );
      }
    };
  }

  // Geometry read-out: every geometry change goes to the predict worker; stale ones are dropped.
  const summarise = () => {
    const m = useStore.getState().molecule;
    if (!m) return;
    predict.geometrySummary(m.R).then(
      (s) => {
        if (s !== STALE && useStore.getState().molecule?.R === m.R) useStore.getState().setSummary(s);
      },
      (e: unknown) => {
        if (!isCancelled(e)) useStore.getState().pushError('Geometry read-out failed.', message(e));
      },
    );
  };
  useStore.subscribe((s, prev) => {
    if (s.geometryVersion !== prev.geometryVersion) summarise();
  });
  summarise();

  let activeJob = 0;
  services = {
    requested,
    compute,
    predict,
    async startLongTask(seconds) {
      const st = useStore.getState();
      const id = st.startJob(`Matrix products for ${seconds} s`);
      activeJob = id;
      try {
        const result = await compute.longTask(seconds * 1000, (p) => {
          if (activeJob === id)
            useStore.getState().updateJob(id, {
              fraction: p.fraction,
              message: `${p.message ?? ''}${p.metrics?.gflops ? `, ${p.metrics.gflops.toFixed(2)} GFLOP/s` : ''}`,
            });
        });
        useStore.getState().updateJob(id, { status: 'done', fraction: 1, result, endedAt: Date.now() });
      } catch (e) {
        if (isCancelled(e)) useStore.getState().updateJob(id, { status: 'cancelled', endedAt: Date.now() });
        else {
          useStore.getState().updateJob(id, { status: 'error', message: message(e), endedAt: Date.now() });
          useStore.getState().pushError('The worker job failed.', message(e));
        }
      }
    },
    async cancelLongTask() {
      activeJob = 0;
      useStore.getState().setWorker('compute', { status: 'starting' });
      await compute.cancel().catch(() => undefined);
    },
  };
  return services;
}
