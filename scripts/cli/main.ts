/**
 * `pes` command dispatcher. Each sub-command lives in scripts/cli/commands/<name>.ts and exports
 * `run(args: string[]): Promise<number>` plus a one-line `summary`. Errors reach stderr with a
 * non-zero exit code and a message meant for a chemist, not a stack trace.
 */
export class CliError extends Error {}

type Command = { summary: string; run: (args: string[]) => Promise<number> };
const commands: Record<string, () => Promise<Command>> = {
  info: () => import('./commands/info.ts'),
  convert: () => import('./commands/convert.ts'),
  'generate-data': () => import('./commands/generate-data.ts'),
  experiment: () => import('./commands/experiment.ts'),
  report: () => import('./commands/report.ts'),
  study: () => import('./commands/study.ts'),
  train: () => import('./commands/train.ts'),
  predict: () => import('./commands/predict.ts'),
  test: () => import('./commands/test.ts'),
  figures: () => import('./commands/figures.ts'),
  bench: () => import('../../bench/run.ts'),
  beyond: () => import('./commands/beyond.ts'),
};

function usage(): string {
  return [
    'usage: pes <command> [options]',
    '',
    'commands:',
    ...Object.keys(commands).map((c) => `  ${c}`),
    '',
    'Run `pes <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`pes: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const cmd = await load();
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      console.error(`pes ${name}: ${err.message}`);
      return 1;
    }
    const e = err as Error;
    console.error(`pes ${name}: ${e.message ?? String(err)}`);
    if (process.env.PES_DEBUG) console.error(e.stack);
    return 1;
  }
}
