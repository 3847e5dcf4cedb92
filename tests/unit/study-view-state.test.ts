import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubLocalStorage } from './memory-storage';
import { restoreStudyView, saveStudyView, type StudyViewState } from '../../src/ui/study/viewState';

const fallback: StudyViewState = {
  dataset: 'all',
  model: 'all',
  selected: ['study/a'],
  stat: 'both',
  barQuantity: 'force',
  barSize: null,
  parityQuantity: 'energy',
  paritySize: null,
};
const known = {
  keys: new Set(['study/a', 'study/b', 'gap/c']),
  datasets: ['glycine', 'azobenzene-rotation'],
  models: ['GAP/SOAP', 'sGDML [1/r]'],
};

describe('Study view state across reloads', () => {
  let store: Map<string, string>;
  beforeEach(() => {
    store = stubLocalStorage();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('gives back what was saved', () => {
    const s: StudyViewState = {
      dataset: 'glycine',
      model: 'GAP/SOAP',
      selected: ['gap/c', 'study/b'],
      stat: 'mean',
      barQuantity: 'energy',
      barSize: 200,
      parityQuantity: 'force',
      paritySize: 400,
    };
    saveStudyView(s);
    expect(restoreStudyView(known, fallback)).toEqual(s);
  });

  it('drops runs and filters the catalogue no longer has; an emptied selection falls back', () => {
    saveStudyView({ ...fallback, dataset: 'ethanol', model: 'PaiNN', selected: ['study/b', 'old/x'] });
    const r = restoreStudyView(known, fallback);
    expect(r.selected).toEqual(['study/b']);
    expect([r.dataset, r.model]).toEqual(['all', 'all']);
    saveStudyView({ ...fallback, selected: ['old/x'] });
    expect(restoreStudyView(known, fallback).selected).toEqual(['study/a']);
    saveStudyView({ ...fallback, selected: [] }); // the user unticked everything: keep that
    expect(restoreStudyView(known, fallback).selected).toEqual([]);
  });

  it('ignores unreadable or ill-typed storage', () => {
    store.set('pes.study.view', '{not json');
    expect(restoreStudyView(known, fallback)).toEqual(fallback);
    store.set(
      'pes.study.view',
      JSON.stringify({ stat: 'median', barSize: -3, barQuantity: 7, paritySize: 1.5, parityQuantity: 'e' }),
    );
    expect(restoreStudyView(known, fallback)).toEqual(fallback);
  });
});
