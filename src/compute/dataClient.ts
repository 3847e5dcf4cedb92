/**
 * Main-thread side of the data worker (workers/data.worker.ts): spawns it, wraps it with comlink,
 * forwards progress callbacks, and cancels by terminating and respawning it (pending calls reject
 * with CancelledError). One per page (`getDataClient`).
 */
import * as Comlink from 'comlink';
import type { DataWorkerMethods } from './dataTasks';
import type { ProgressCallback, TaskProgress } from './workerApi';
import { CancelledError } from './workerClient';

// Written out literally so Vite bundles the worker.
export const spawnDataWorker = (): Worker =>
  new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module', name: 'data' });

export class DataClient {
  private worker!: Worker;
  private remote!: Comlink.Remote<DataWorkerMethods>;
  private pending = new Set<(e: Error) => void>();
  private generation = 0;

  constructor(private readonly spawn: () => Worker = spawnDataWorker) {
    this.start();
  }

  private start(): void {
    const gen = ++this.generation;
    this.worker = this.spawn();
    this.remote = Comlink.wrap<DataWorkerMethods>(this.worker);
    this.worker.addEventListener('error', (ev: ErrorEvent) => {
      if (gen !== this.generation) return;
      const err = new Error(`data worker failed: ${ev.message || 'could not load the worker script'}`);
      for (const reject of this.pending) reject(err);
      this.pending.clear();
    });
  }

  /** Runs `fn` against the worker; rejects with CancelledError when `cancel()` is called meanwhile. */
  call<R>(fn: (api: Comlink.Remote<DataWorkerMethods>) => Promise<R>): Promise<R> {
    let rejectFn!: (e: Error) => void;
    const stop = new Promise<never>((_, reject) => {
      rejectFn = reject;
    });
    this.pending.add(rejectFn);
    return Promise.race([fn(this.remote), stop]).finally(() => this.pending.delete(rejectFn));
  }

  /** A comlink proxy for a progress callback that ignores reports from a cancelled worker. */
  progress(cb?: ProgressCallback): ProgressCallback | undefined {
    if (!cb) return undefined;
    const gen = this.generation;
    return Comlink.proxy((p: TaskProgress) => {
      if (gen === this.generation) cb(p);
    });
  }

  /** Stops whatever the worker does: terminate, reject pending calls, start a fresh worker. */
  cancel(): void {
    this.worker.terminate();
    for (const reject of this.pending) reject(new CancelledError());
    this.pending.clear();
    this.start();
  }
}

let client: DataClient | null = null;
export function getDataClient(): DataClient {
  return (client ??= new DataClient());
}
