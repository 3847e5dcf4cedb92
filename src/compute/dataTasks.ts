/**
 * Dataset parsing and statistics (histograms) off the main thread; owned by the Datasets tab.
 * The methods here are spread into the worker's comlink API (workers/*.worker.ts) and their type
 * into src/compute/workerApi.ts, so each feature adds methods without touching the worker shells.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DataWorkerMethods {}

export const dataWorkerMethods: DataWorkerMethods = {};
