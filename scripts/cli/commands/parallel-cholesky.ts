/**
 * A multi-threaded tiled Cholesky for the Node CLI (worker_threads on a SharedArrayBuffer), handed to the
 * sGDML trainer through `SgdmlParams.tiled`. Step J: the main thread factors the diagonal tile, then the
 * workers solve the panel tiles (I, J) and update the trailing tile rows I, rows dealt round-robin. Each tile
 * sees the same updates in the same order as in the serial code, so the factor is bitwise identical.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import {
  TiledSym,
  choleskyDiag,
  choleskyWork,
  throwIfAborted,
  type FactorOptions,
} from '../../../src/compute/linalg.ts';
import type { TiledFactorizer } from '../../../src/models/sgdml/train.ts';

export function createParallelCholesky(nThreads = availableParallelism()): TiledFactorizer | undefined {
  if (nThreads < 2) return undefined;
  return {
    threads: nThreads,
    alloc(n: number, T: number): TiledSym {
      const A = new TiledSym(n, T, new Float64Array(new SharedArrayBuffer(TiledSym.bytes(n, T))));
      for (let r = n; r < A.nt * T; r++) A.set(r, r, 1);
      return A;
    },
    async factor(A: TiledSym, opts: FactorOptions = {}): Promise<void> {
      if (!(A.data.buffer instanceof SharedArrayBuffer))
        throw new Error('parallel Cholesky needs a matrix from alloc()');
      const workers = Array.from(
        { length: nThreads },
        () =>
          new Worker(new URL('./cholesky-worker.mjs', import.meta.url), {
            workerData: { buffer: A.data.buffer, n: A.n, T: A.T },
          }),
      );
      const pending: ((v: unknown) => void)[] = [];
      const errors: Error[] = [];
      workers.forEach((w, i) => {
        w.on('message', () => pending[i]?.(0));
        w.on('error', (e) => {
          errors.push(e);
          pending[i]?.(0);
        });
      });
      const call = (i: number, msg: unknown) =>
        new Promise((res) => {
          pending[i] = res;
          workers[i].postMessage(msg);
        });
      try {
        const { nt } = A;
        const total = choleskyWork(nt);
        let done = 0,
          last = 0;
        for (let J = 0; J < nt; J++) {
          throwIfAborted(opts.signal);
          choleskyDiag(A, J);
          const rows: number[][] = workers.map(() => []);
          for (let I = J + 1; I < nt; I++) rows[(I - J - 1) % workers.length].push(I);
          for (const phase of ['panel', 'update'] as const) {
            await Promise.all(
              workers.map((_, i) => (rows[i].length ? call(i, { J, phase, rows: rows[i] }) : null)),
            );
            if (errors.length) throw errors[0];
          }
          const m = nt - J - 1;
          done += (m * (m + 1)) / 2 + m + 1;
          if (opts.onProgress && (done - last > total / 200 || J === nt - 1)) {
            last = done;
            opts.onProgress(Math.min(1, done / total));
          }
        }
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
  };
}
