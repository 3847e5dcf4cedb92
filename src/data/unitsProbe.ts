/**
 * Does a dataset file state its units? sGDML `.npz` files carry `r_unit` / `e_unit` (and the reader
 * falls back to the sGDML convention, Å and kcal/mol); extended XYZ may carry `e_unit=` on its comment
 * lines (files this project writes do); plain XYZ never does. Reads only the first lines.
 */
import { detectFormat } from './io/index.ts';

export interface UnitsProbe {
  format: 'npz' | 'extxyz' | 'xyz' | 'npy' | 'unknown';
  /** True when the file says its energy unit (or the format fixes it). */
  statesUnits: boolean;
  /** Units the file states, when it does. */
  energyUnit?: string;
  lengthUnit?: string;
}

const KEY_RE = (key: string) => new RegExp(`(?:^|\\s)${key}=("[^"]*"|'[^']*'|\\S+)`);
const unquote = (s: string) => s.replace(/^["']|["']$/g, '');

export function probeUnits(name: string, bytes: Uint8Array): UnitsProbe {
  const fmt = detectFormat(name, bytes);
  if (fmt !== 'xyz' && fmt !== 'extxyz') return { format: fmt, statesUnits: true };
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 65536));
  const lines = head.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  const comment = lines[i + 1] ?? '';
  const extended = /(?:^|\s)properties=/i.test(comment);
  if (!extended) return { format: 'xyz', statesUnits: false };
  const e = KEY_RE('e_unit').exec(comment);
  const r = KEY_RE('r_unit').exec(comment);
  return {
    format: 'extxyz',
    statesUnits: !!e,
    energyUnit: e ? unquote(e[1]) : undefined,
    lengthUnit: r ? unquote(r[1]) : undefined,
  };
}
