/**
 * Small JSON values in localStorage for what should survive a reload (form settings, view choices).
 * Reading never throws: a missing, unreadable or unavailable store gives undefined, and callers check
 * the shape of what comes back. Writing never throws either: a full or blocked store only means the
 * value is not kept across reloads.
 */

export function readStored(key: string): unknown {
  try {
    const text = typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or unavailable
  }
}

/** `defaults` with each key replaced by the saved value of the same type, when there is one. */
export function mergeStored<T extends object>(defaults: T, saved: unknown): T {
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return defaults;
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, d] of Object.entries(defaults)) {
    const v = (saved as Record<string, unknown>)[k];
    const sameKind = (v === null) === (d === null) && Array.isArray(v) === Array.isArray(d);
    if (v !== undefined && typeof v === typeof d && sameKind) out[k] = v;
  }
  return out as T;
}
