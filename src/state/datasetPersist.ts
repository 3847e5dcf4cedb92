/**
 * User datasets survive a reload: the file's bytes and the units the user chose are kept in IndexedDB
 * (database "pes-explorer-datasets", store "files", keyed by dataset id) and parsed again at start.
 * Every function resolves (with nothing) where IndexedDB is unavailable, so the app still works.
 */
import type { ReadDatasetOptions } from '../data/io/index';

export interface StoredDatasetFile {
  id: string;
  fileName: string;
  bytes: Uint8Array;
  /** Units and other read options chosen when the file was added. */
  read: ReadDatasetOptions;
  addedAt: number;
}

const DB = 'pes-explorer-datasets';
const STORE = 'files';

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB: ${req.error?.message ?? 'cannot open'}`));
  });
}

function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
  return open().then(
    (db) =>
      db &&
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = () => {
          db.close();
          reject(new Error(`IndexedDB: ${tx.error?.message ?? 'transaction failed'}`));
        };
      }),
  ) as Promise<T | undefined>;
}

export function saveDatasetFile(rec: StoredDatasetFile): Promise<void> {
  return run('readwrite', (s) => s.put(rec)).then(() => undefined);
}

export function deleteDatasetFile(id: string): Promise<void> {
  return run('readwrite', (s) => s.delete(id)).then(() => undefined);
}

/** All stored files, oldest first. */
export async function loadDatasetFiles(): Promise<StoredDatasetFile[]> {
  const all = ((await run('readonly', (s) => s.getAll())) ?? []) as StoredDatasetFile[];
  return all.sort((a, b) => a.addedAt - b.addedAt);
}
