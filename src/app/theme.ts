/** Light / dark / system theme, stored in localStorage and applied as `data-theme` on <html>. */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'pes-theme';
export const THEMES: Theme[] = ['system', 'light', 'dark'];

export function loadTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(t: Theme): void {
  const root = document.documentElement;
  if (t === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', t);
  try {
    localStorage.setItem(KEY, t);
  } catch {
    /* private mode: keep it for this page only */
  }
}
