/** Small number formatters for the Train tab. */

/** "42 s", "3 min 05 s", "1 h 02 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m - 60 * h).padStart(2, '0')} min`;
}

/** A number with 4 significant digits (or "–"). */
export function sig(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toPrecision(4);
}
