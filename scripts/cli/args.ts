import { CliError } from './main.ts';

/** Minimal `--key value` / `--flag` parser. Positional arguments come back in `_`. */
export function parseArgs(
  argv: string[],
  booleans: string[] = [],
): { _: string[]; [k: string]: string | boolean | string[] } {
  const out: { _: string[]; [k: string]: string | boolean | string[] } = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        out[a.slice(2, eq)] = a.slice(eq + 1);
      } else if (booleans.includes(a.slice(2))) {
        out[a.slice(2)] = true;
      } else {
        const v = argv[i + 1];
        if (v === undefined) throw new CliError(`option ${a} needs a value`);
        out[a.slice(2)] = v;
        i++;
      }
    } else out._.push(a);
  }
  return out;
}
