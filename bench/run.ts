/**
 * `pes bench <name> [options]` (also `npm run bench -- <name>`): runs the benchmark bench/<name>.ts, which
 * exports `run(args): Promise<number>` and prints a table and JSON of measured numbers.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from '../scripts/cli/main.ts';

export const summary = 'run a benchmark from bench/ (e.g. `pes bench sgdml`)';

function available(): string[] {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.includes('.worker'))
    .map((f) => f.slice(0, -3));
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = available();
  if (!name || name === '--help') {
    console.log(`usage: pes bench <name> [options]\n\nbenchmarks: ${names.join(', ')}`);
    return name ? 0 : 1;
  }
  if (!names.includes(name))
    throw new CliError(`unknown benchmark '${name}' (available: ${names.join(', ')})`);
  const mod = (await import(`./${name}.ts`)) as { run: (args: string[]) => Promise<number> };
  return mod.run(rest);
}
