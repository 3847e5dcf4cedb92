import { describe, expect, it } from 'vitest';
import type { CatalogueRun } from '../../src/ui/study/catalogue';
import { studyModelsFor } from '../../src/ui/explorer/studyModels';

const run = (id: string, dataset: string, group = 'study', modelUrl: string | null = `/${id}`) =>
  ({
    key: `/docs/results/${group}/${id}.json`,
    id,
    dataset,
    model: id.split('-').at(-1)!,
    label: id,
    options: {},
    status: 'partial',
    group,
    modelUrl: modelUrl ?? undefined,
    figures: [],
  }) as CatalogueRun;

const runs = [
  run('glycine-gap', 'glycine'),
  run('azobenzene-inversion-gap', 'azobenzene-inversion'),
  run('azobenzene-rotation-bpnn', 'azobenzene-rotation'),
  run('azobenzene-rotation-sgdml-inv', 'azobenzene-rotation'),
  run('azobenzene-rotation-schnet', 'azobenzene-rotation', 'study', null),
  run('azobenzene-inversion-sgdml-inv', 'azobenzene-inversion'),
  run('azobenzene-rotation-sgdml-inv', 'azobenzene-rotation', 'study-quick'),
  run('azobenzene-rotation-gap', 'azobenzene-rotation', 'study-quick'),
];

describe('study models offered in the explorer', () => {
  it("the path's own data first, then the molecule's other data, each in the paper's model order", () => {
    const ids = studyModelsFor(runs, 'azobenzene-rotation').map((r) => `${r.group}/${r.id}`);
    expect(ids).toEqual([
      'study/azobenzene-rotation-sgdml-inv',
      'study-quick/azobenzene-rotation-gap',
      'study/azobenzene-rotation-bpnn',
      'study/azobenzene-inversion-sgdml-inv',
      'study/azobenzene-inversion-gap',
    ]);
  });

  it('only the molecule on screen; runs without a saved model are left out', () => {
    expect(studyModelsFor(runs, 'glycine').map((r) => r.id)).toEqual(['glycine-gap']);
    expect(studyModelsFor(runs, 'azobenzene-rotation').some((r) => r.id.endsWith('schnet'))).toBe(false);
    expect(studyModelsFor(runs, 'azobenzene-inversion')[0].id).toBe('azobenzene-inversion-sgdml-inv');
  });

  it('the committed study offers a model for each bundled molecule', async () => {
    const { readFileSync } = await import('node:fs');
    const index = JSON.parse(readFileSync('docs/results/study/index.json', 'utf8')) as {
      runs: { id: string; dataset: string; model_file?: string }[];
    };
    const committed = index.runs.map((r) =>
      run(r.id, r.dataset, 'study', r.model_file ? `/${r.model_file}` : null),
    );
    for (const path of ['glycine', 'azobenzene-rotation', 'azobenzene-inversion'])
      expect(studyModelsFor(committed, path)[0]?.dataset, path).toBe(path);
  });
});
