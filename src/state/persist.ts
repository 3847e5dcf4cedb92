/**
 * What survives a reload: the models list (useModels) in IndexedDB, and the explorer view (path and
 * slider position) in the URL query (`?path=azobenzene-rotation&x=90`, other parameters such as
 * `backend` and the #tab hash are kept).
 */
import { useModels, type LoadedModel } from './models';

const DB = 'pes-explorer';
const STORE = 'kv';
const KEY = 'models';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(new Error('IndexedDB is not available'));
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function saveModels(models: LoadedModel[]): Promise<unknown> {
  return withStore('readwrite', (s) => s.put(models, KEY));
}

export async function loadSavedModels(): Promise<LoadedModel[]> {
  const v = await withStore<unknown>('readonly', (s) => s.get(KEY));
  if (!Array.isArray(v)) return [];
  return v.filter(
    (m): m is LoadedModel =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as LoadedModel).id === 'string' &&
      typeof (m as LoadedModel).serialized === 'object',
  );
}

let started: Promise<void> | null = null;

/**
 * Restores the saved models (merged under any added before the restore finished) and from then on
 * saves the list after every change. Idempotent; resolves when the restore is done.
 */
export function startModelPersistence(onError: (message: string, detail: string) => void): Promise<void> {
  if (started) return started;
  started = (async () => {
    try {
      const saved = await loadSavedModels();
      if (saved.length) {
        const now = useModels.getState().models;
        const ids = new Set(now.map((m) => m.id));
        useModels.getState().replaceAll([...saved.filter((m) => !ids.has(m.id)), ...now]);
      }
    } catch (e) {
      onError('Saved models could not be restored.', e instanceof Error ? e.message : String(e));
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    useModels.subscribe((s, prev) => {
      if (s.models === prev.models) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        saveModels(useModels.getState().models).catch((e: unknown) =>
          onError(
            'Models could not be saved for the next visit.',
            e instanceof Error ? e.message : String(e),
          ),
        );
      }, 50);
    });
  })();
  return started;
}

/** The explorer's part of the URL query. */
export interface ViewQuery {
  path?: string;
  x?: number;
}

export function readViewQuery(search = window.location.search): ViewQuery {
  const q = new URLSearchParams(search);
  const path = q.get('path') ?? undefined;
  const xs = q.get('x');
  const x = xs !== null && xs.trim() !== '' && Number.isFinite(Number(xs)) ? Number(xs) : undefined;
  return { path, x };
}

/** x as the URL holds it (2 decimals), so that every writer of ?x= agrees on the same text. */
export function xParam(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Writes path and x into the query with replaceState (no history entries), keeping the rest. */
export function writeViewQuery(v: ViewQuery): void {
  const q = new URLSearchParams(window.location.search);
  if (v.path) q.set('path', v.path);
  if (v.x !== undefined) q.set('x', xParam(v.x));
  const search = q.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ''}${window.location.hash}`;
  if (url !== `${window.location.pathname}${window.location.search}${window.location.hash}`)
    window.history.replaceState(window.history.state, '', url);
}
