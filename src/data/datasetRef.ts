/**
 * How the main thread names a dataset to a worker: a bundled file by URL (the worker fetches and
 * parses it itself, once, and caches it), or a user's dataset passed inline (structured clone).
 */
import type { Dataset } from './dataset';
import { readDatasetFile, type ReadDatasetOptions } from './io/index';

export type DatasetRef =
  | { kind: 'url'; id: string; url: string; options?: ReadDatasetOptions }
  | { kind: 'inline'; id: string; dataset: Dataset };

const cache = new Map<string, Promise<Dataset>>();

/** Resolves a reference to a Dataset; URL datasets are fetched once per realm (worker) and cached by id. */
export function resolveDatasetRef(ref: DatasetRef): Promise<Dataset> {
  if (ref.kind === 'inline') return Promise.resolve(ref.dataset);
  let p = cache.get(ref.id);
  if (!p) {
    p = (async () => {
      const res = await fetch(ref.url);
      if (!res.ok) throw new Error(`${ref.url}: HTTP ${res.status} ${res.statusText}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const name = ref.url.replace(/^.*\//, '');
      return readDatasetFile(name, bytes, ref.options).dataset;
    })();
    cache.set(ref.id, p);
    p.catch(() => cache.delete(ref.id));
  }
  return p;
}
