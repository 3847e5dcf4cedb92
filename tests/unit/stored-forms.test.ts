import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubLocalStorage } from './memory-storage';
import { mergeStored, readStored, writeStored } from '../../src/state/stored';

describe('form settings kept across reloads', () => {
  let store: Map<string, string>;
  beforeEach(() => {
    store = stubLocalStorage();
    vi.resetModules();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('mergeStored takes saved values of the default type only', () => {
    const d = { a: '1', b: 2, c: [] as string[], o: {} as Record<string, string> };
    expect(mergeStored(d, { a: 'x', b: 'not a number', c: ['p'], o: null, extra: 1 })).toEqual({
      a: 'x',
      b: 2,
      c: ['p'],
      o: {},
    });
    expect(mergeStored(d, 'garbage')).toBe(d);
    store.set('k', '{oops');
    expect(readStored('k')).toBeUndefined();
    writeStored('k', { a: 1 });
    expect(readStored('k')).toEqual({ a: 1 });
  });

  it('the Train form comes back, with unknown options and stale select values dropped', async () => {
    const { restoreTrainForm, saveTrainForm } = await import('../../src/ui/train/trainForm');
    const f = restoreTrainForm();
    expect(f.kind).toBe('sgdml');
    f.kind = 'gap';
    f.values.gap = { ...f.values.gap, cutoff: '6', preset: 'fast', bogus: '1' };
    f.sizes.gap = { ...f.sizes.gap, nTrain: '321' };
    saveTrainForm(f);
    const back = restoreTrainForm();
    expect(back.kind).toBe('gap');
    expect(back.values.gap.cutoff).toBe('6');
    expect(back.values.gap.preset).toBe('fast');
    expect(back.values.gap).not.toHaveProperty('bogus');
    expect(back.sizes.gap.nTrain).toBe('321');
    saveTrainForm({ ...back, kind: 'painn' as never, values: { ...back.values, gap: { preset: 'huge' } } });
    const stale = restoreTrainForm();
    expect(stale.kind).toBe('sgdml');
    expect(stale.values.gap.preset).toBe('paper');
  });

  it('the Evaluate form is written on change and read at start', async () => {
    const { useEvaluate } = await import('../../src/state/evaluate');
    useEvaluate.getState().setForm({ sizes: '50,100', paths: ['azobenzene-rotation'] });
    useEvaluate.getState().setOption('sigma', '30');
    vi.resetModules();
    const again = (await import('../../src/state/evaluate')).useEvaluate.getState().form;
    expect(again.sizes).toBe('50,100');
    expect(again.paths).toEqual(['azobenzene-rotation']);
    expect(again.options).toEqual({ sigma: '30' });
    expect(again.folds).toBe('5');
  });

  it('the Evaluate results come back after a reload, and clearing them clears the store', async () => {
    const results = { format: 'pes-experiment', summary: [{ size: 20 }] } as never;
    let { useEvaluate } = await import('../../src/state/evaluate');
    useEvaluate.getState().setResults(results, { kind: 'file', label: 'r.json' });
    vi.resetModules();
    ({ useEvaluate } = await import('../../src/state/evaluate'));
    expect(useEvaluate.getState().results).toEqual(results);
    expect(useEvaluate.getState().source).toEqual({ kind: 'file', label: 'r.json' });
    useEvaluate.getState().setResults(null, null);
    vi.resetModules();
    ({ useEvaluate } = await import('../../src/state/evaluate'));
    expect(useEvaluate.getState().results).toBeNull();
  });

  it('the selected dataset comes back, also a user dataset that is parsed again after the bundled ones', async () => {
    const rec = (id: string) => ({ id, name: id, origin: 'bundled' as const });
    let { useDatasets } = await import('../../src/state/datasets');
    useDatasets.getState().setBundled([rec('glycine'), rec('azobenzene-rotation')]);
    expect(useDatasets.getState().selectedId).toBe('glycine');
    useDatasets.getState().select('azobenzene-rotation');
    vi.resetModules();
    ({ useDatasets } = await import('../../src/state/datasets'));
    useDatasets.getState().setBundled([rec('glycine'), rec('azobenzene-rotation')]);
    expect(useDatasets.getState().selectedId).toBe('azobenzene-rotation');
    // a user dataset: the default holds until it is back, and does not overwrite the saved choice
    useDatasets.getState().addUser(rec('user:mine.xyz'));
    vi.resetModules();
    ({ useDatasets } = await import('../../src/state/datasets'));
    useDatasets.getState().setBundled([rec('glycine')]);
    expect(useDatasets.getState().selectedId).toBe('glycine');
    vi.resetModules();
    ({ useDatasets } = await import('../../src/state/datasets'));
    useDatasets.getState().setBundled([rec('glycine')]);
    useDatasets.getState().addUser(rec('user:other.xyz'), false);
    expect(useDatasets.getState().selectedId).toBe('glycine');
    useDatasets.getState().addUser(rec('user:mine.xyz'), false);
    expect(useDatasets.getState().selectedId).toBe('user:mine.xyz');
  });

  it("a selection shown but not remembered (a tour step's) does not replace the saved choice", async () => {
    const rec = (id: string) => ({ id, name: id, origin: 'bundled' as const });
    let { useDatasets } = await import('../../src/state/datasets');
    useDatasets.getState().setBundled([rec('glycine'), rec('azobenzene-rotation')]);
    useDatasets.getState().select('azobenzene-rotation');
    useDatasets.getState().select('glycine', false);
    expect(useDatasets.getState().selectedId).toBe('glycine');
    vi.resetModules();
    ({ useDatasets } = await import('../../src/state/datasets'));
    useDatasets.getState().setBundled([rec('glycine'), rec('azobenzene-rotation')]);
    expect(useDatasets.getState().selectedId).toBe('azobenzene-rotation');
  });
});
