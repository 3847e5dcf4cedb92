import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';
import { parseResults } from '../../src/eval/results.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const fixture = join(root, '..', 'shared', 'fixtures', 'sgdml-reference', 'azobenzene-xtb-md.npz');

describe('pes experiment / pes report', () => {
  it.skipIf(!existsSync(fixture))(
    'runs a tiny sGDML learning curve, resumes it, and draws the report',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-exp-'));
      const out = join(dir, 'r.json');
      const argv = [
        'experiment',
        fixture,
        '--model',
        'sgdml',
        '--sigma',
        '30',
        '--sizes',
        '4',
        '--folds',
        '2',
      ];
      expect(await main([...argv, '--seed', '5', '--out', out, '--quiet'])).toBe(0);
      const r1 = parseResults(readFileSync(out, 'utf8'));
      expect(r1.folds.length).toBe(2);
      expect(r1.spec.phiAtoms).toEqual([3, 6, 7, 8]); // C–N=N–C found from the bonds
      expect(r1.folds[0].phi!.length).toBe(18);
      expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n')[0]).toContain('e_rmse_kcal_mol');
      // add a size: the finished folds are kept untouched
      expect(
        await main([
          ...argv.slice(0, -4),
          '--sizes',
          '4,6',
          '--folds',
          '2',
          '--seed',
          '5',
          '--out',
          out,
          '--quiet',
        ]),
      ).toBe(0);
      const r2 = parseResults(readFileSync(out, 'utf8'));
      expect(r2.folds.length).toBe(4);
      expect(r2.folds.filter((f) => f.size === 4)).toEqual(r1.folds);
      // a different seed cannot resume these results
      expect(await main([...argv, '--seed', '6', '--out', out, '--quiet'])).toBe(1);
      expect(
        await main([
          'experiment',
          fixture,
          '--model',
          'sgdml',
          '--sigma',
          '30',
          '--sizes',
          '4',
          '--bogus',
          '1',
          '--out',
          join(dir, 'x.json'),
        ]),
      ).toBe(1);
      const figs = join(dir, 'figs');
      expect(await main(['report', out, '--out', figs])).toBe(0);
      const files = readdirSync(figs).sort();
      expect(files).toEqual(['learning-curves.svg', 'r-phi-n6.svg', 'summary.md']);
      expect(readFileSync(join(figs, 'summary.md'), 'utf8')).toContain('| 6 | 2 |');
    },
    300_000,
  );
});
