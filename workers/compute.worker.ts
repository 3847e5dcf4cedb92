// Compute worker (training, evaluation, long jobs): a thin comlink shell over functions in src/.
import * as Comlink from 'comlink';
import { initBackend } from '../src/compute/backend';
import type { BackendName, ComputeWorkerApi, ProgressCallback } from '../src/compute/workerApi';
import { longTask, selfTest } from '../src/compute/workerTasks';
import { trainWorkerMethods } from '../src/compute/trainTasks';
import { evalWorkerMethods } from '../src/compute/evalTasks';
import { beyondWorkerMethods } from '../src/compute/beyondTasks';
import { wasmPaths } from './wasmPaths';

const api: ComputeWorkerApi = {
  init: (preferred?: BackendName) => initBackend({ preferred, wasmPaths }),
  selfTest,
  longTask: (ms: number, onProgress?: ProgressCallback) => longTask(ms, { onProgress }),
  ...trainWorkerMethods,
  ...evalWorkerMethods,
  ...beyondWorkerMethods,
};

Comlink.expose(api);
