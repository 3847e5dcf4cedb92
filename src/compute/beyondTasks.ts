/**
 * "Beyond the paper" worker methods (compute worker): NEB path search and Langevin MD on a trained model,
 * with progress and cancel. Spread into workers/compute.worker.ts; the type joins ComputeWorkerApi.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BeyondWorkerMethods {}

export const beyondWorkerMethods: BeyondWorkerMethods = {};
