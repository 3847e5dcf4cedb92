import { describe, expect, it } from 'vitest';
import {
  buildCatalogue,
  findRun,
  hoursText,
  normalizePath,
  optionsText,
  type CatalogueRun,
} from '../../src/ui/study/catalogue';

const idx = (mode: string, runs: unknown[]) => ({
  format: 'pes-study-index',
  version: 1,
  mode,
  updatedAt: '',
  runs,
});
const run = (id: string, file: string, extra = {}) => ({
  id,
  dataset: 'azobenzene-rotation',
  model: 'sgdml',
  label: 'sGDML [1/r]',
  options: { sigma: 20 },
  sizes: [20],
  finishedSizes: [20],
  folds: 3,
  foldsDone: 3,
  foldsPlanned: 3,
  status: 'complete',
  file,
  figures: [`${id}-learning-curves.svg`],
  source: 'study',
  ...extra,
});

describe('study catalogue', () => {
  it('merges indexes, resolves relative files to URLs, dedupes collected entries and lists unindexed files', () => {
    const urls = {
      '/docs/results/study-quick/a.json': '/assets/a.json',
      '/docs/results/study-quick/a.model.json': '/assets/a.model.json',
      '/docs/results/study-quick/a-learning-curves.svg': '/assets/a.svg',
      '/docs/results/sgdml/b.json': '/assets/b.json',
      '/docs/results/other.json': '/assets/o.json',
    };
    const { runs, problems } = buildCatalogue(
      {
        '/docs/results/index.json': idx('collect', [
          run('a-dup', 'study-quick/a.json', { source: 'collected' }),
          run('b', 'sgdml/b.json', { figures: [] }),
        ]),
        '/docs/results/study-quick/index.json': idx('quick', [
          run('a', 'a.json', { model_file: 'a.model.json' }),
        ]),
        '/docs/results/bad/index.json': { format: 'nope' },
      },
      urls,
    );
    expect(problems).toEqual(['/docs/results/bad/index.json: not a pes study index']);
    expect(runs.map((r) => r.id)).toEqual(['a', 'b', 'other']); // study folders first
    const a = runs.find((r) => r.id === 'a')!;
    expect(a.group).toBe('study-quick');
    expect(a.resultsUrl).toBe('/assets/a.json');
    expect(a.modelUrl).toBe('/assets/a.model.json');
    expect(a.figures).toEqual([{ name: 'a-learning-curves.svg', url: '/assets/a.svg' }]);
    expect(runs.find((r) => r.id === 'b')!.modelUrl).toBeUndefined();
    expect(runs.find((r) => r.id === 'other')!.status).toBe('unindexed');
  });
  it('passes the hours of compute left of a partial run through, and words them', () => {
    const { runs } = buildCatalogue(
      {
        '/docs/results/study/index.json': idx('full', [
          run('p', 'p.json', { status: 'partial', foldsDone: 1, hoursLeft: 56.6 }),
        ]),
      },
      { '/docs/results/study/p.json': '/assets/p.json' },
    );
    expect(runs[0].hoursLeft).toBe(56.6);
    expect([0.2, 0.001, 3.46, 56.6].map(hoursText)).toEqual(['12 min', '1 min', '3.5 h', '57 h']);
  });
  it('normalizes paths', () => {
    expect(normalizePath('/docs/results/x/../y/./z.json')).toBe('/docs/results/y/z.json');
  });
});

describe('findRun (a tour names runs by their study id)', () => {
  const r = (group: string, extra: Partial<CatalogueRun> = {}): CatalogueRun =>
    ({ key: `/docs/results/${group}/x.json`, id: 'x', group, resultsUrl: 'u', ...extra }) as CatalogueRun;
  const runs = [r('study'), r('study-quick', { modelUrl: 'm' }), r('sgdml', { modelUrl: 'm' })];
  it('prefers the full study, then other folders, the quick study last, with what is needed', () => {
    expect(findRun(runs, 'x', 'results')?.group).toBe('study');
    expect(findRun(runs, 'x', 'model')?.group).toBe('sgdml');
    expect(findRun(runs.slice(0, 2), 'x', 'model')?.group).toBe('study-quick');
    expect(findRun(runs, 'y', 'results')).toBeUndefined();
  });
});

describe('optionsText', () => {
  it('names σ, the preset, the epochs and the GAP sparse set', () => {
    expect(optionsText({ sigma: 20 })).toBe('σ 20');
    expect(optionsText({ preset: 'fast', nSparse: 30 })).toBe('fast preset, 30 sparse points per element');
    expect(optionsText({ maxEpochs: 3 })).toBe('3 epochs');
    expect(optionsText({})).toBe('');
  });
});
