/**
 * The typed contract between the main thread and the two compute workers. Workers are thin comlink
 * `expose` shells over functions from src/; this file is the only place their API is described, so
 * later features (training, evaluation, prediction) add methods here and in the worker, and the
 * main thread sees them through `Comlink.Remote<...>`.
 */
// Types only: the main thread must not pull tfjs into its bundle through this file.
import type { BackendInfo, BackendName } from './backend';
import type { TrainWorkerMethods } from './trainTasks';
import type { EvalWorkerMethods } from './evalTasks';
import type { PredictWorkerMethods } from './predictTasks';
import type { BeyondWorkerMethods } from './beyondTasks';

export type { BackendInfo, BackendName };

/** Backends the app knows, in the order the automatic choice tries them. */
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Parses a `?backend=` value; anything unknown (or "auto") means "let the worker choose". */
export function parseBackendParam(value: string | null | undefined): BackendName | undefined {
  const v = (value ?? '').trim().toLowerCase();
  return (BACKEND_NAMES as readonly string[]).includes(v) ? (v as BackendName) : undefined;
}

/** Progress of a long worker call; fraction in 0..1. */
export interface TaskProgress {
  fraction: number;
  message?: string;
  /** Optional live numbers (loss, GFLOP/s, …). */
  metrics?: Record<string, number>;
}
export type ProgressCallback = (p: TaskProgress) => void;

/** Result of the numeric self-check (matmul, gradient, second-order gradient) on the active backend. */
export interface SelfTestResult {
  backend: string;
  ok: boolean;
  /** What failed, when something did. */
  message?: string;
}

/** Result of the demo long task (chunks of float32 matmuls on the active backend). */
export interface LongTaskResult {
  backend: string;
  chunks: number;
  elapsedMs: number;
  /** Measured throughput of the matmul chunks, GFLOP/s. */
  gflops: number;
  /** Sum of one element per chunk, so the work cannot be optimised away. */
  checksum: number;
}

/** Cheap geometry read-out the predict worker computes for the geometry on screen. */
export interface GeometrySummary {
  backend: string;
  nAtoms: number;
  /** Shortest interatomic distance, Å, and the (0-based) atom pair. */
  minDistance: number;
  minPair: [number, number];
  /** Radius of gyration (unweighted), Å. */
  radiusOfGyration: number;
}

/** Shared by both workers. */
export interface WorkerBaseApi {
  /** Chooses and verifies a tfjs backend (`preferred` forces one); resolves with what was chosen. */
  init(preferred?: BackendName): Promise<BackendInfo>;
  /** Numeric self-check (matmul and a gradient) on the active backend. */
  selfTest(): Promise<SelfTestResult>;
}

/** workers/compute.worker.ts: training, evaluation, long jobs. */
export interface ComputeWorkerApi
  extends WorkerBaseApi, TrainWorkerMethods, EvalWorkerMethods, BeyondWorkerMethods {
  /** Real tfjs work for about `ms` milliseconds in chunks, reporting progress after each chunk. */
  longTask(ms: number, onProgress?: ProgressCallback): Promise<LongTaskResult>;
}

/** workers/predict.worker.ts: slider-time inference. */
export interface PredictWorkerApi extends WorkerBaseApi, PredictWorkerMethods {
  /** R: flat (nAtoms*3) positions in Å. */
  geometrySummary(R: Float64Array): Promise<GeometrySummary>;
}
