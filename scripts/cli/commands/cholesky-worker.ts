/** Worker thread of the parallel tiled Cholesky (see parallel-cholesky.ts): panel solves and trailing updates on shared tiles. */
import { parentPort, workerData } from 'node:worker_threads';
import { TiledSym, choleskyPanel, choleskyUpdate } from '../../../src/compute/linalg.ts';

const wd = workerData as { buffer: SharedArrayBuffer; n: number; T: number };
const A = new TiledSym(wd.n, wd.T, new Float64Array(wd.buffer));
parentPort?.on('message', (m: { J: number; phase: 'panel' | 'update'; rows: number[] }) => {
  if (m.phase === 'panel') choleskyPanel(A, m.J, m.rows);
  else choleskyUpdate(A, m.J, m.rows);
  parentPort?.postMessage(0);
});
