// Data worker (dataset parsing and statistics; no tfjs): a thin comlink shell over src/compute/dataTasks.ts.
import * as Comlink from 'comlink';
import { dataWorkerMethods, type DataWorkerMethods } from '../src/compute/dataTasks';
import type { Dataset } from '../src/data/dataset';

/** The dataset's array buffers, each once (moved to the main thread instead of copied). */
function buffersOf(ds: Dataset): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [ds.R, ds.E, ds.F, ds.z, ...Object.values(ds.frameProps ?? {})])
    if (a && a.buffer instanceof ArrayBuffer) set.add(a.buffer);
  return [...set];
}

const api: DataWorkerMethods = {
  ...dataWorkerMethods,
  async parseFile(...args) {
    const r = await dataWorkerMethods.parseFile(...args);
    return Comlink.transfer(r, buffersOf(r.dataset));
  },
};

Comlink.expose(api);
