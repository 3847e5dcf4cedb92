// Predict worker (slider-time inference): a thin comlink shell over functions in src/.
import * as Comlink from 'comlink';
import { initBackend } from '../src/compute/backend';
import type { BackendName, PredictWorkerApi } from '../src/compute/workerApi';
import { geometrySummary, selfTest } from '../src/compute/workerTasks';
import { predictWorkerMethods } from '../src/compute/predictTasks';
import { wasmPaths } from './wasmPaths';

const api: PredictWorkerApi = {
  init: (preferred?: BackendName) => initBackend({ preferred, wasmPaths }),
  selfTest,
  geometrySummary,
  ...predictWorkerMethods,
};

Comlink.expose(api);
