import { vi } from 'vitest';

/**
 * Stands in a Map for the browser's localStorage (or sessionStorage; vitest runs in Node); returns the
 * Map.
 */
export function stubLocalStorage(
  name: 'localStorage' | 'sessionStorage' = 'localStorage',
): Map<string, string> {
  const store = new Map<string, string>();
  vi.stubGlobal(name, {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
  return store;
}
