/**
 * `pes study --quick`, unmodified: it finishes inside the CI budget and reproduces the committed
 * docs/results/study-quick/ (every fold's test errors, every figure), so the numbers and figures that
 * docs/STUDY.md quotes from there are what the committed command writes.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';
import { parseResults } from '../../src/eval/results.ts';
import { parseStudyIndex, studyPlan } from '../../src/eval/study.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const committed = join(root, 'docs', 'results', 'study-quick');
const haveData = ['glycine', 'azobenzene-rotation', 'azobenzene-inversion'].every((d) =>
  existsSync(join(root, 'public', 'data', `${d}.npz`)),
);

describe('pes study --quick', () => {
  it.skipIf(!haveData)(
    'runs the whole quick plan and reproduces the committed results and figures',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-quick-'));
      expect(await main(['study', '--quick', '--out', dir, '--quiet'])).toBe(0);

      const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(index.runs.map((r) => r.id).sort()).toEqual(
        studyPlan('quick')
          .map((r) => r.id)
          .sort(),
      );
      expect(index.runs.every((r) => r.status === 'complete')).toBe(true);

      const files = readdirSync(committed);
      const results = files.filter(
        (f) => f.endsWith('.json') && !f.endsWith('.model.json') && f !== 'index.json',
      );
      expect(results.length).toBe(15);
      for (const f of results) {
        const fresh = parseResults(readFileSync(join(dir, f), 'utf8'), f);
        const old = parseResults(readFileSync(join(committed, f), 'utf8'), f);
        expect(fresh.folds.length, f).toBe(old.folds.length);
        for (const o of old.folds) {
          const n = fresh.folds.find((x) => x.size === o.size && x.fold === o.fold);
          expect(n, `${f} n=${o.size} fold ${o.fold}`).toBeDefined();
          for (const k of ['eRmse', 'fRmse', 'eMae', 'fMae'] as const)
            expect(
              Math.abs(n!.test[k] - o.test[k]),
              `${f} n=${o.size} fold ${o.fold} ${k}`,
            ).toBeLessThanOrEqual(1e-6 * Math.abs(o.test[k]));
        }
      }
      const figures = files.filter((f) => f.endsWith('.svg'));
      expect(figures.length).toBeGreaterThan(40);
      for (const f of figures)
        expect(readFileSync(join(dir, f), 'utf8') === readFileSync(join(committed, f), 'utf8'), f).toBe(true);
    },
    900_000,
  );
});
