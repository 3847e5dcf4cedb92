/**
 * Modal focus handling for a dialog: focus moves into it on open, Tab and Shift+Tab cycle through its
 * controls only (a radio group is one stop, its checked radio), focus that lands outside is pulled back,
 * Escape calls `onEscape`, and on close focus returns to the element that had it before the dialog
 * opened (or to `fallback()` when that element is gone or was the page itself).
 */
import { useEffect, useRef, type RefObject } from 'react';

const CANDIDATES =
  'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** The dialog's Tab stops in document order. */
export function tabStops(root: HTMLElement): HTMLElement[] {
  const all = [...root.querySelectorAll<HTMLElement>(CANDIDATES)].filter(
    (el) =>
      !(el as HTMLInputElement).disabled && el.tabIndex >= 0 && !el.hidden && el.getClientRects().length > 0,
  );
  return all.filter((el) => {
    const r = el as HTMLInputElement;
    if (r.type !== 'radio' || !r.name) return true;
    const group = all.filter(
      (o) => (o as HTMLInputElement).type === 'radio' && (o as HTMLInputElement).name === r.name,
    ) as HTMLInputElement[];
    const checked = group.find((o) => o.checked);
    return checked ? checked === r : group[0] === r;
  });
}

export function useFocusTrap(
  ref: RefObject<HTMLElement | null>,
  onEscape: () => void,
  fallback?: () => HTMLElement | null,
) {
  const escRef = useRef(onEscape);
  const fallbackRef = useRef(fallback);
  useEffect(() => {
    escRef.current = onEscape;
    fallbackRef.current = fallback;
  });
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    if (!root) return;
    if (!root.contains(document.activeElement)) (tabStops(root)[0] ?? root).focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        escRef.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const stops = tabStops(root);
      if (!stops.length) {
        e.preventDefault();
        return;
      }
      const i = stops.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey
        ? i <= 0
          ? stops[stops.length - 1]
          : stops[i - 1]
        : i < 0 || i === stops.length - 1
          ? stops[0]
          : stops[i + 1];
      e.preventDefault();
      next.focus();
    };
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof Node && !root.contains(e.target)) (tabStops(root)[0] ?? root).focus();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('focusin', onFocusIn);
      const back =
        opener && opener !== document.body && opener.isConnected ? opener : (fallbackRef.current?.() ?? null);
      // after React has removed the dialog
      setTimeout(() => back?.focus(), 0);
    };
  }, [ref]);
}
