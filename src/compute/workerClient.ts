/**
 * Main-thread side of the compute workers: spawns them, wraps them with comlink, forwards progress
 * callbacks (comlink proxies), and cancels by terminating and respawning the worker (re-initialised
 * on the backend the old one had chosen). Also the "latest request wins" helper for slider-time
 * calls to the predict worker.
 */
import * as Comlink from 'comlink';
import type {
  BackendInfo,
  BackendName,
  ComputeWorkerApi,
  PredictWorkerApi,
  ProgressCallback,
  WorkerBaseApi,
} from './workerApi';

/** Rejection reason of calls that were running when their worker was cancelled. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export const isCancelled = (e: unknown): e is CancelledError => e instanceof CancelledError;

// Each `new Worker(new URL(...))` must be written out literally so Vite bundles the worker.
export const spawnComputeWorker = (): Worker =>
  new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), {
    type: 'module',
    name: 'compute',
  });
export const spawnPredictWorker = (): Worker =>
  new Worker(new URL('../../workers/predict.worker.ts', import.meta.url), {
    type: 'module',
    name: 'predict',
  });

/**
 * One worker behind a comlink proxy. `call` awaits initialisation first; `cancel` terminates the
 * worker (rejecting every pending call with CancelledError) and starts a fresh one on the same backend.
 */
export class WorkerHandle<T extends WorkerBaseApi> {
  private worker!: Worker;
  private remote!: Comlink.Remote<T>;
  private ready!: Promise<BackendInfo>;
  /** Rejecters of the calls in flight on the current worker. */
  private pending = new Set<(e: Error) => void>();
  private disposed = false;
  /** Bumped on every respawn; lets listeners ignore events from old workers. */
  generation = 0;
  /** Called after every (re)initialisation, with the backend info or the error. */
  onInit?: (info: BackendInfo | null, error: Error | null) => void;

  constructor(
    private readonly spawn: () => Worker,
    private preferred?: BackendName,
  ) {
    this.start();
  }

  private start(): void {
    const gen = ++this.generation;
    this.worker = this.spawn();
    this.remote = Comlink.wrap<T>(this.worker);
    // A worker that fails to load (syntax error, missing chunk) only fires `error` events.
    this.worker.addEventListener('error', (ev: ErrorEvent) => {
      if (gen !== this.generation) return;
      const err = new Error(`worker failed: ${ev.message || 'could not load the worker script'}`);
      for (const reject of this.pending) reject(err);
      this.pending.clear();
    });
    this.ready = this.track(this.remote.init(this.preferred) as Promise<BackendInfo>);
    this.ready.then(
      (info) => gen === this.generation && this.onInit?.(info, null),
      (e: unknown) => gen === this.generation && !isCancelled(e) && this.onInit?.(null, toError(e)),
    );
  }

  /** Races a worker promise against cancellation/termination of the current worker. */
  private track<R>(p: Promise<R>): Promise<R> {
    let rejectFn!: (e: Error) => void;
    const stop = new Promise<never>((_, reject) => {
      rejectFn = reject;
    });
    this.pending.add(rejectFn);
    return Promise.race([p, stop]).finally(() => this.pending.delete(rejectFn));
  }

  /** Backend info of the current worker (resolves once it has initialised). */
  info(): Promise<BackendInfo> {
    return this.ready;
  }

  /** Runs `fn` against the worker's API once the worker is ready; cancellable with `cancel()`. */
  async call<R>(fn: (api: Comlink.Remote<T>) => Promise<R>): Promise<R> {
    if (this.disposed) throw new Error('worker handle disposed');
    await this.ready;
    return this.track(fn(this.remote));
  }

  /**
   * Stops whatever the worker is doing: terminate, reject pending calls with CancelledError, respawn
   * and re-initialise on the backend the cancelled worker had chosen (or the one requested).
   */
  async cancel(): Promise<BackendInfo> {
    let backend = this.preferred;
    try {
      const info = await Promise.race([this.ready, new Promise<null>((r) => setTimeout(() => r(null), 0))]);
      if (info) backend = info.backend as BackendName;
    } catch {
      /* keep the requested backend */
    }
    this.worker.terminate();
    for (const reject of this.pending) reject(new CancelledError());
    this.pending.clear();
    this.preferred = backend;
    if (this.disposed) throw new CancelledError('worker handle disposed');
    this.start();
    return this.ready;
  }

  /**
   * Wraps a progress callback for passing to the worker: a comlink proxy that drops reports arriving
   * after the worker that sends them was cancelled (messages already in flight when it was terminated).
   */
  protected progressProxy<P>(cb?: (p: P) => void): ((p: P) => void) | undefined {
    if (!cb) return undefined;
    const gen = this.generation;
    return Comlink.proxy((p: P) => {
      if (gen === this.generation && !this.disposed) cb(p);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.worker.terminate();
    for (const reject of this.pending) reject(new CancelledError('worker handle disposed'));
    this.pending.clear();
  }
}

/** The compute worker: long jobs with progress and cancel. */
export class ComputeClient extends WorkerHandle<ComputeWorkerApi> {
  constructor(preferred?: BackendName, spawn: () => Worker = spawnComputeWorker) {
    super(spawn, preferred);
  }
  longTask(ms: number, onProgress?: ProgressCallback) {
    return this.call((api) => api.longTask(ms, this.progressProxy(onProgress)));
  }
}

/** The predict worker: cheap calls at slider speed, latest request wins. */
export class PredictClient extends WorkerHandle<PredictWorkerApi> {
  /** Geometry read-out; while one request runs only the newest queued one is kept. */
  readonly geometrySummary = latestWins((R: Float64Array) => this.call((api) => api.geometrySummary(R)));
  constructor(preferred?: BackendName, spawn: () => Worker = spawnPredictWorker) {
    super(spawn, preferred);
  }
}

/** What a superseded request of a `latestWins` function resolves to. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

/**
 * Wraps an async function so at most one call runs at a time and, of the calls that arrive while
 * one runs, only the newest is started when it finishes; the dropped ones resolve to STALE at once.
 * The call in flight is never aborted, so its (newest available) result is still delivered, and
 * results arrive in request order.
 */
export function latestWins<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  let running = false;
  let queued: { args: A; resolve: (v: R | Stale) => void; reject: (e: unknown) => void } | null = null;

  const run = (args: A, resolve: (v: R | Stale) => void, reject: (e: unknown) => void) => {
    running = true;
    stats.runs++;
    let p: Promise<R>;
    try {
      p = fn(...args);
    } catch (e) {
      p = Promise.reject(e);
    }
    const finish = () => {
      running = false;
      const next = queued;
      queued = null;
      if (next) run(next.args, next.resolve, next.reject);
    };
    p.then(
      (v) => {
        finish();
        resolve(v);
      },
      (e: unknown) => {
        finish();
        reject(e);
      },
    );
  };

  /** Counts: requests made, requests actually run, requests dropped as stale. */
  const stats = { calls: 0, runs: 0, stale: 0 };
  const wrapped = (...args: A): Promise<R | Stale> =>
    new Promise<R | Stale>((resolve, reject) => {
      stats.calls++;
      if (!running) return run(args, resolve, reject);
      if (queued) {
        stats.stale++;
        queued.resolve(STALE);
      }
      queued = { args, resolve, reject };
    });
  return Object.assign(wrapped, { stats });
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
