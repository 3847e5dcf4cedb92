import { vi } from 'vitest';

/** Stands in a Map for the browser's localStorage (vitest runs in Node); returns the Map. */
export function stubLocalStorage(): Map<string, string> {
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  });
  return store;
}
