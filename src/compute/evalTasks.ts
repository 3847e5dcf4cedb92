/**
 * Cross-validation experiments in the compute worker (src/eval engine); owned by the Evaluate tab.
 * The methods here are spread into the worker's comlink API (workers/*.worker.ts) and their type
 * into src/compute/workerApi.ts, so each feature adds methods without touching the worker shells.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EvalWorkerMethods {}

export const evalWorkerMethods: EvalWorkerMethods = {};
