/**
 * The app theme's colours for charts (plotly): text, grid and panel colours read from the CSS variables
 * of <html>, and a hook that changes value whenever those colours change (theme toggle on
 * <html data-theme>/class, or the system's light/dark scheme), so charts redraw in the new colours.
 */
import { useEffect, useState } from 'react';

export interface ChartColours {
  /** Text and axis labels (--text). */
  text: string;
  /** Grid and zero lines (--border). */
  grid: string;
  /** Card background (--panel). */
  panel: string;
}

/** The current theme colours (light-theme defaults where a variable is not set). */
export function chartColours(): ChartColours {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return { text: v('--text', '#17202b'), grid: v('--border', '#d7dee7'), panel: v('--panel', '#ffffff') };
}

/** A number that increases whenever the page's colours change; put it in a chart effect's dependencies. */
export function useThemeVersion(): number {
  const [v, setV] = useState(0);
  useEffect(() => {
    const bump = () => setV((x) => x + 1);
    const mo = new MutationObserver(bump);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    mq?.addEventListener?.('change', bump);
    return () => {
      mo.disconnect();
      mq?.removeEventListener?.('change', bump);
    };
  }, []);
  return v;
}
