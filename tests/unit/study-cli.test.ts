import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';
import { parseResults, type ExperimentResults } from '../../src/eval/results.ts';
import { scanFoldsText } from '../../src/eval/cutoff-scan.ts';
import {
  cutoffScanPoints,
  filterPlan,
  narrowRun,
  parseStudyIndex,
  plannedSizes,
  runCost,
  shrinkPlan,
  studyPlan,
} from '../../src/eval/study.ts';
import { deserializeModel } from '../../src/models/load.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const haveData =
  existsSync(join(root, 'public', 'data', 'glycine.npz')) &&
  existsSync(join(root, 'public', 'data', 'azobenzene-rotation.npz'));

describe('study plan', () => {
  it('full plan: 3 datasets × 5 model variants, sizes up to 1000, 5 folds', () => {
    const all = studyPlan('full');
    const scan = all.filter((r) => /-gap-rc\d+$/.test(r.id));
    expect(scan.map((r) => r.options.cutoff)).toEqual(['3', '4', '6', '7', '8']);
    expect(scan.every((r) => r.sizes.join() === '600' && r.dataset === 'azobenzene-rotation')).toBe(true);
    const full = all.filter((r) => !scan.includes(r));
    expect(full.length).toBe(15);
    expect(new Set(full.map((r) => r.dataset))).toEqual(
      new Set(['glycine', 'azobenzene-rotation', 'azobenzene-inversion']),
    );
    expect(new Set(full.map((r) => r.model))).toEqual(new Set(['sgdml', 'gap', 'schnet', 'bpnn']));
    for (const r of full) {
      expect(r.folds).toBe(5);
      expect(Math.max(...r.sizes)).toBe(1000);
    }
    expect(full.filter((r) => r.options.descriptor === 'inv+ang').length).toBe(3);
    expect(new Set(full.map((r) => r.id)).size).toBe(15);
    const quick = studyPlan('quick');
    expect(quick.length).toBe(15);
    expect(quick.reduce((a, r) => a + runCost(r), 0)).toBeLessThan(
      full.reduce((a, r) => a + runCost(r), 0) / 100,
    );
  });

  it('cutoff scan points: errors at n = 600 per GAP cutoff, sorted, over the folds every cutoff has', () => {
    // fold k of cutoff rc has energy RMSE e[k], force RMSE 2·e[k]
    const mk = (cutoff: number, e: number[]) =>
      ({
        spec: { model: 'gap', params: { cutoff }, bestRule: 'energy', folds: 5 },
        summary: [{ size: 600 }],
        folds: e.map((x, k) => ({ size: 600, fold: k, test: { eRmse: x, fRmse: 2 * x } })),
      }) as unknown as ExperimentResults;
    const pts = cutoffScanPoints([mk(6, [1.2, 1.4]), mk(4, [1.0]), mk(5, [0.9, 0.5, 0.4, 0.3])]);
    // only fold 0 is everywhere: 5 Å's better later folds do not count
    expect(pts.map((p) => [p.cutoff, p.eRmse, p.fRmse, p.folds.join()])).toEqual([
      [4, 1.0, 2.0, '0'],
      [5, 0.9, 1.8, '0'],
      [6, 1.2, 2.4, '0'],
    ]);
    expect(pts.every((p) => p.paired && p.eSd === 0)).toBe(true);
    expect(scanFoldsText(pts, 5)).toBe('fold 1 of 5, the same at every cutoff');
    // two shared folds: best of them, and their mean ± sd
    const two = cutoffScanPoints([mk(4, [1.0, 1.2]), mk(5, [0.9, 0.5, 0.4])]);
    expect(two[1].eRmse).toBe(0.5);
    expect(two[1].eMean).toBeCloseTo(0.7, 12);
    expect(two[1].eSd).toBeCloseTo(Math.SQRT2 * 0.2, 12);
    expect(two[1].fMean).toBeCloseTo(1.4, 12);
    expect(scanFoldsText(two, 5)).toBe('folds 1, 2 of 5, the same at every cutoff');
    // no shared fold: each cutoff's own
    const b = mk(6, [1.1, 1.3]);
    b.folds[0].fold = 3;
    b.folds[1].fold = 4;
    const own = cutoffScanPoints([mk(4, [1.0]), b]);
    expect(own.map((p) => p.paired)).toEqual([false, false]);
    expect(own[1].eRmse).toBe(1.1);
    expect(scanFoldsText(own, 5)).toBe("each cutoff's own folds (1 / 2 of 5)");
    expect(cutoffScanPoints([mk(5, [1])])).toEqual([]);
    // a cutoff without folds at the size asked for is left out
    const other = mk(7, [0.8]);
    other.folds[0].size = 400;
    expect(cutoffScanPoints([mk(4, [1.0]), mk(5, [0.9]), other], 600).map((p) => p.cutoff)).toEqual([4, 5]);
    expect(scanFoldsText(cutoffScanPoints([mk(4, [1, 1, 1, 1, 1]), mk(5, [2, 2, 2, 2, 2])]), 5)).toBe(
      'all 5 folds',
    );
  });

  it('--only filters by id substring and rejects patterns that match nothing', () => {
    const p = studyPlan('quick');
    expect(filterPlan(p, 'glycine-gap').map((r) => r.id)).toEqual(['glycine-gap']);
    expect(filterPlan(p, 'rotation-bpnn,inversion-schnet').length).toBe(2);
    expect(filterPlan(p, 'glycine-sgdml-inv').map((r) => r.id)).toEqual(['glycine-sgdml-inv']);
    expect(filterPlan(p, 'glycine-sgdml').length).toBe(2);
    expect(() => filterPlan(p, 'nonsense')).toThrow(/matches no run/);
    const s = shrinkPlan(p, { sizes: [5], folds: 2, epochs: 1 });
    expect(s.every((r) => r.sizes[0] === 5 && r.folds === 2)).toBe(true);
    expect(s.find((r) => r.model === 'schnet')!.options.epochs).toBe('1');
    expect(s.find((r) => r.model === 'sgdml')!.options.epochs).toBeUndefined();
  });
});

describe('narrowRun: a run trained at part of its planned sizes', () => {
  const run = studyPlan('full').find((r) => r.id === 'glycine-gap')!;
  it('keeps the plan when the sizes are planned ones with the planned folds', () => {
    const r = narrowRun(run, [50, 100, 200], run.folds);
    expect(r.sizes).toEqual([50, 100, 200]);
    expect(plannedSizes(r)).toEqual(run.sizes);
    // narrowing again (as --redraw does after --sizes) still counts against the whole plan
    expect(plannedSizes(narrowRun(r, [50, 100], run.folds))).toEqual(run.sizes);
    expect(plannedSizes(shrinkPlan([run], { sizes: [50, 700] })[0])).toEqual(run.sizes);
  });
  it('makes the new sizes the plan when they are not planned, the folds differ, or all are kept', () => {
    expect(plannedSizes(narrowRun(run, [6, 50], run.folds))).toEqual([6, 50]);
    expect(plannedSizes(narrowRun(run, [50], 2))).toEqual([50]);
    const all = narrowRun(run, run.sizes, run.folds);
    expect(all.planSizes).toBeUndefined();
    expect(plannedSizes(all)).toEqual(run.sizes);
  });
});

/** One run of the quick plan into `dir`: the given sizes, 2 folds, quiet, no dataset figures. */
const studyPiece = (dir: string, only: string, sizes: string, ...extra: string[]) =>
  main([
    'study',
    '--quick',
    '--only',
    only,
    '--sizes',
    sizes,
    '--folds',
    '2',
    '--out',
    dir,
    '--quiet',
    '--no-dataset-figures',
    ...extra,
  ]);

describe('pes study', () => {
  it.skipIf(!haveData)(
    'runs a reduced --quick study, writes parseable results, figures, models and index; resumes; collects',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-'));
      const argv = [
        'study',
        '--quick',
        '--only',
        'glycine-sgdml-inv,azobenzene-rotation-sgdml-inv,glycine-bpnn',
        '--sizes',
        '6',
        '--folds',
        '2',
        '--epochs',
        '1',
        '--out',
        dir,
        '--quiet',
      ];
      expect(await main(argv)).toBe(0);
      const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(index.mode).toBe('quick');
      expect(index.runs.map((r) => r.id).sort()).toEqual([
        'azobenzene-rotation-sgdml-inv',
        'glycine-bpnn',
        'glycine-sgdml-inv',
      ]);
      for (const r of index.runs) {
        expect(r.status).toBe('complete');
        expect(r.foldsDone).toBe(2);
        const res = parseResults(readFileSync(join(dir, r.file!), 'utf8'), r.file);
        expect(res.summary.map((q) => q.size)).toEqual([6]);
        expect(Number.isFinite(res.summary[0].best.fRmse)).toBe(true);
        expect(r.best!.fRmse).toBeCloseTo(res.summary[0].best.fRmse, 10);
        expect(readFileSync(join(dir, r.csv!), 'utf8')).toContain('f_rmse_kcal_mol_A');
        for (const f of r.figures)
          expect(readFileSync(join(dir, f), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
        expect(r.figures).toContain(`${r.dataset}-learning-curves.svg`);
      }
      const azo = index.runs.find((r) => r.id === 'azobenzene-rotation-sgdml-inv')!;
      const azoRes = parseResults(readFileSync(join(dir, azo.file!), 'utf8'));
      expect(azoRes.folds[0].phi!.length).toBe(18);
      expect(azoRes.folds[0].paths!.map((p) => p.id).length).toBe(4);
      expect(azo.figures).toContain('azobenzene-rotation-sgdml-inv-phi-n6.svg');
      expect(azo.figures).toContain('azobenzene-rotation-sgdml-inv-paths-n6.svg');
      expect(azo.figures).toContain('azobenzene-rotation-distance-histogram.svg');
      const dist = readFileSync(join(dir, 'azobenzene-rotation-distance-histogram.svg'), 'utf8');
      expect(dist).toMatch(/\d+\.\d % of atom pairs beyond 5 Å/);

      // the saved best model loads and reproduces its fold's test error scale
      const saved = JSON.parse(readFileSync(join(dir, azo.model_file!), 'utf8'));
      expect(saved.study).toEqual({ run: azo.id, size: 6, fold: azoRes.summary[0].bestFold });
      const ff = await deserializeModel(saved);
      const path = JSON.parse(readFileSync(join(root, 'public/data/paths/azobenzene-rotation.json'), 'utf8'));
      const p = ff.predict(Float64Array.from(path.points[0].R), 1);
      expect(Number.isFinite(p.E[0])).toBe(true);
      expect(p.F.length).toBe(72);

      // rerun: everything is finished, nothing retrains (results files untouched apart from rewrite);
      // figures listed before stay listed though this invocation does not write them again
      const before = readFileSync(join(dir, azo.file!), 'utf8');
      const t0 = statSync(join(dir, 'index.json')).mtimeMs;
      expect(await main([...argv, '--no-dataset-figures'])).toBe(0);
      const relisted = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(relisted.runs.find((r) => r.id === azo.id)!.figures.sort()).toEqual([...azo.figures].sort());
      const after = parseResults(readFileSync(join(dir, azo.file!), 'utf8'));
      expect(after.folds.map((f) => f.test.fRmse)).toEqual(
        parseResults(before).folds.map((f) => f.test.fRmse),
      );
      expect(after.folds.map((f) => f.trainSeconds)).toEqual(
        parseResults(before).folds.map((f) => f.trainSeconds),
      );
      expect(statSync(join(dir, 'index.json')).mtimeMs).toBeGreaterThanOrEqual(t0);

      // --collect indexes the same results files from another folder
      const out2 = mkdtempSync(join(tmpdir(), 'pes-collect-'));
      expect(await main(['study', '--collect', '--from', dir, '--out', out2])).toBe(0);
      const col = parseStudyIndex(readFileSync(join(out2, 'index.json'), 'utf8'));
      expect(col.mode).toBe('collect');
      expect(col.runs.length).toBe(3);
      const c = col.runs.find((r) => r.id === 'azobenzene-rotation-sgdml-inv')!;
      expect(c.source).toBe('collected');
      expect(c.dataset).toBe('azobenzene-rotation');
      expect(existsSync(join(out2, c.file!))).toBe(true);
      expect(existsSync(join(out2, c.model_file!))).toBe(true);
      expect(c.label).toBe('sGDML [1/r]');
      expect(col.runs.find((r) => r.id === 'glycine-bpnn')!.label).toBe('BPNN');

      // a study run in pieces: another --only keeps the entries of the runs already in the folder,
      // and the per-dataset figure shows all of the dataset's runs
      const argvGap = [...argv];
      argvGap[argv.indexOf('--only') + 1] = 'glycine-gap';
      expect(await main(argvGap)).toBe(0);
      const both = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(both.runs.map((r) => r.id)).toEqual([
        'glycine-sgdml-inv',
        'glycine-gap',
        'glycine-bpnn',
        'azobenzene-rotation-sgdml-inv',
      ]);
      const glyFig = readFileSync(join(dir, 'glycine-learning-curves.svg'), 'utf8');
      for (const label of ['sGDML [1/r]', 'GAP/SOAP', 'BPNN']) expect(glyFig).toContain(label);
      for (const r of both.runs) expect(new Set(r.figures).size).toBe(r.figures.length);
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| glycine-sgdml-inv |');

      // --figure-sizes: cluster and path figures at a smaller finished size too, listed in the index
      const argvAzo = [...argv];
      argvAzo[argv.indexOf('--only') + 1] = 'azobenzene-rotation-sgdml-inv';
      argvAzo[argv.indexOf('--sizes') + 1] = '4,6';
      expect(await main([...argvAzo, '--figure-sizes', '4', '--no-dataset-figures'])).toBe(0);
      const azoFigs = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8')).runs.find(
        (r) => r.id === 'azobenzene-rotation-sgdml-inv',
      )!.figures;
      for (const f of ['phi-n4', 'paths-n4', 'phi-n6', 'paths-n6'])
        expect(azoFigs).toContain(`azobenzene-rotation-sgdml-inv-${f}.svg`);
      expect(readFileSync(join(dir, 'azobenzene-rotation-sgdml-inv-phi-n4.svg'), 'utf8')).toContain('n = 4');

      // a model too large to save: the note says so, and a rerun (nothing trained) keeps saying so
      const argvBig = [...argvAzo];
      argvBig[argv.indexOf('--sizes') + 1] = '4,6,8';
      const noteOf = () =>
        parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8')).runs.find(
          (r) => r.id === 'azobenzene-rotation-sgdml-inv',
        )!.note;
      expect(await main([...argvBig, '--max-model-mb', '0.001', '--no-dataset-figures'])).toBe(0);
      expect(noteOf()).toMatch(/^best model not saved: [\d.]+ MB > --max-model-mb 0.001$/);
      const bigNote = noteOf();
      expect(await main([...argvBig, '--no-dataset-figures'])).toBe(0);
      expect(noteOf()).toBe(bigNote);

      // bad input: clear errors, non-zero exit
      expect(await main(['study', '--only', 'no-such-run', '--out', dir])).toBe(1);
      expect(await main(['study', '--collect', '--from', join(dir, 'missing')])).toBe(1);
    },
    180_000,
  );

  it.skipIf(!haveData)(
    'two pieces of one study run at the same time into one folder: the index keeps both',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-concurrent-'));
      const piece = (only: string) => studyPiece(dir, only, '6');
      // both read the (empty) index before either has finished; each writes it after its run
      expect(await Promise.all([piece('glycine-sgdml-inv'), piece('glycine-sgdml-inv-ang')])).toEqual([0, 0]);
      const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(index.runs.map((r) => r.id)).toEqual(['glycine-sgdml-inv', 'glycine-sgdml-inv-ang']);
      expect(index.runs.every((r) => r.status === 'complete')).toBe(true);
      const summary = readFileSync(join(dir, 'summary.md'), 'utf8');
      expect(summary).toContain('| glycine-sgdml-inv |');
      expect(summary).toContain('| glycine-sgdml-inv-ang |');
    },
    120_000,
  );

  it.skipIf(!haveData)(
    '--save-best trains the best fold again when its model was not saved, checks it, and saves GAP compactly',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-save-best-'));
      expect(await studyPiece(dir, 'glycine-gap,glycine-sgdml-inv', '6', '--no-models')).toBe(0);
      const gapFile = join(dir, 'glycine-gap.model.json');
      expect(existsSync(gapFile)).toBe(false);
      const base = ['study', '--quick', '--only', 'glycine-gap,glycine-sgdml-inv', '--out', dir, '--quiet'];
      expect(await main([...base, '--redraw'])).toBe(0);
      let index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      expect(index.runs.find((r) => r.id === 'glycine-gap')!.note).toMatch(/pes study --save-best saves it/);

      expect(await main([...base, '--save-best'])).toBe(0);
      index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      for (const id of ['glycine-gap', 'glycine-sgdml-inv']) {
        const e = index.runs.find((r) => r.id === id)!;
        expect(e.model_file, id).toBe(`${id}.model.json`);
        expect(e.note, id).toBeUndefined();
        const saved = JSON.parse(readFileSync(join(dir, e.model_file!), 'utf8'));
        const res = parseResults(readFileSync(join(dir, `${id}.json`), 'utf8'));
        const best = res.summary[res.summary.length - 1];
        expect(saved.study).toEqual({ run: id, size: best.size, fold: best.bestFold });
        expect((await deserializeModel(saved)).kind).toBe(saved.kind);
      }
      // GAP in the compact form: source frames instead of descriptors
      const gap = JSON.parse(readFileSync(gapFile, 'utf8'));
      expect(gap.payload.sparseSource.frame.length).toBeGreaterThan(0);
      expect(gap.payload.blocks.every((b: { Q?: string }) => b.Q === undefined)).toBe(true);
      // nothing left to save: a second call retrains nothing
      const before = statSync(gapFile).mtimeMs;
      expect(await main([...base, '--save-best'])).toBe(0);
      expect(statSync(gapFile).mtimeMs).toBe(before);
      // and it refuses what it cannot do
      expect(await main([...base, '--save-best', '--fresh'])).not.toBe(0);
    },
    120_000,
  );

  it.skipIf(!haveData)(
    'a run trained at some of the planned sizes is partial in the index, before and after --redraw',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-narrow-'));
      const args = ['study', '--quick', '--only', 'glycine-sgdml-inv', '--out', dir, '--quiet'];
      expect(await main([...args, '--sizes', '20', '--no-models', '--no-dataset-figures'])).toBe(0);
      const check = () => {
        const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
        const e = index.runs.find((r) => r.id === 'glycine-sgdml-inv')!;
        expect(e.status).toBe('partial');
        expect(e.sizes).toEqual([20, 40]);
        expect(e.finishedSizes).toEqual([20]);
        expect([e.foldsDone, e.foldsPlanned]).toEqual([3, 6]);
      };
      check();
      expect(await main([...args, '--redraw'])).toBe(0);
      check();
    },
    120_000,
  );

  it.skipIf(!haveData)(
    '--new-folds k trains at most k new folds of each run, breadth-first over calls',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-new-folds-'));
      const ids = ['glycine-sgdml-inv', 'glycine-gap'];
      const step = () => studyPiece(dir, ids.join(','), '6,8', '--no-models', '--new-folds', '1');
      const folds = (id: string) =>
        parseResults(readFileSync(join(dir, `${id}.json`), 'utf8')).folds.map((f) => `${f.size}/${f.fold}`);
      expect(await step()).toBe(0);
      for (const id of ids) expect(folds(id), id).toEqual(['6/0']);
      expect(await step()).toBe(0);
      for (const id of ids) expect(folds(id), id).toEqual(['6/0', '6/1']);
      expect(await step()).toBe(0);
      for (const id of ids) expect(folds(id), id).toEqual(['6/0', '6/1', '8/0']);
      const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      for (const id of ids) {
        const e = index.runs.find((r) => r.id === id)!;
        expect([e.status, e.foldsDone, e.foldsPlanned], id).toEqual(['partial', 3, 4]);
        expect(e.hoursLeft, `${id}: compute left`).toBeGreaterThan(0);
      }
      // the same folds as one uninterrupted call: the split does not depend on how the run was cut
      const whole = mkdtempSync(join(tmpdir(), 'pes-study-whole-'));
      expect(await studyPiece(whole, ids[0], '6,8', '--no-models')).toBe(0);
      const a = parseResults(readFileSync(join(dir, `${ids[0]}.json`), 'utf8')).folds;
      const b = parseResults(readFileSync(join(whole, `${ids[0]}.json`), 'utf8')).folds;
      for (const f of a) {
        const g = b.find((x) => x.size === f.size && x.fold === f.fold)!;
        expect(g.trainIdx).toEqual(f.trainIdx);
        expect(g.test.fRmse).toBeCloseTo(f.test.fRmse, 9);
      }
      expect(await main(['study', '--quick', '--out', dir, '--new-folds', '0', '--quiet'])).not.toBe(0);
      expect(
        await main(['study', '--quick', '--out', dir, '--redraw', '--new-folds', '1', '--quiet']),
      ).not.toBe(0);
    },
    180_000,
  );

  it.skipIf(!haveData)(
    'an interrupted run keeps its finished folds in the index as a partial run',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pes-study-interrupt-'));
      const file = join(dir, 'glycine-sgdml-inv.json');
      const run = studyPiece(dir, 'glycine-sgdml-inv', '6,150', '--no-models');
      // Ctrl-C once the first fold is on disk (the n = 150 folds take seconds)
      const t0 = Date.now();
      while (!(existsSync(file) && parseResults(readFileSync(file, 'utf8')).folds.length > 0)) {
        if (Date.now() - t0 > 60_000) throw new Error('no fold finished within 60 s');
        await new Promise((r) => setTimeout(r, 20));
      }
      process.emit('SIGINT');
      expect(await run).toBe(130);
      const index = parseStudyIndex(readFileSync(join(dir, 'index.json'), 'utf8'));
      const entry = index.runs.find((r) => r.id === 'glycine-sgdml-inv');
      expect(entry).toBeDefined();
      expect(entry!.status).toBe('partial');
      expect(entry!.foldsDone).toBeGreaterThan(0);
      expect(entry!.foldsDone).toBeLessThan(4);
      expect(entry!.file).toBe('glycine-sgdml-inv.json');

      // --redraw draws the partial run from its file without training the missing folds
      const kept = readFileSync(file, 'utf8');
      expect(
        await main(['study', '--quick', '--redraw', '--only', 'glycine-sgdml-inv', '--out', dir, '--quiet']),
      ).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe(kept);
      const curves = readFileSync(join(dir, 'glycine-sgdml-inv-learning-curves.svg'), 'utf8');
      // the caption names the sizes that miss folds (which ones depends on when the interrupt came)
      const keptRes = parseResults(kept);
      const short = keptRes.summary.filter((q) => q.nFolds < 2).map((q) => `n = ${q.size} (1 of 2)`);
      if (short.length) expect(curves).toContain(`fewer folds: ${short.join(', ')}`);
      else expect(curves).not.toContain('fewer folds');
      expect(await main(['study', '--redraw', '--fresh', '--out', dir, '--quiet'])).toBe(1);
    },
    120_000,
  );
});
