/**
 * The error-flattening panel's model options: one line of `name=value` pairs named as the `pes train`
 * flags (e.g. "sigma=30", "preset=fast n-sparse=100"); the worker's registry entry checks the names and
 * values. Also the defaults per model kind (fixed σ for sGDML, so no validation frames are needed).
 */
export type FlattenKind = 'sgdml' | 'gap' | 'schnet' | 'bpnn';

export const FLATTEN_KINDS: { kind: FlattenKind; label: string; options: string }[] = [
  { kind: 'sgdml', label: 'sGDML', options: 'sigma=30' },
  { kind: 'gap', label: 'GAP/SOAP', options: 'preset=fast n-sparse=100' },
  { kind: 'schnet', label: 'SchNet', options: 'epochs=40 features=32 interactions=3' },
  { kind: 'bpnn', label: 'BPNN', options: 'epochs=40' },
];

/**
 * "a=1 b=x;c=2" or CLI style "--a 1 --flag" → {a: '1', b: 'x', c: '2', flag: 'true'}.
 * Throws with the offending piece on malformed text.
 */
export function parseOptionText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const tokens = text.split(/[\s;]+/).filter((t) => t.length > 0);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith('--')) {
      const name = t.slice(2);
      if (!name) throw new Error(`"${t}" has no option name`);
      const eq = name.indexOf('=');
      if (eq >= 0) {
        out[name.slice(0, eq)] = name.slice(eq + 1);
        continue;
      }
      const next = tokens[i + 1];
      if (next !== undefined && !next.startsWith('--') && !next.includes('=')) {
        out[name] = next;
        i++;
      } else out[name] = 'true';
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0) throw new Error(`"${t}" is not name=value`);
    if (eq === 0) throw new Error(`"${t}" has no option name`);
    if (eq === t.length - 1) throw new Error(`"${t}" has no value`);
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}
