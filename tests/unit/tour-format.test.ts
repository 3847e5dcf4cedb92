import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseTour } from '../../src/ui/tour/tourFormat';
import { stepUrl } from '../../src/ui/tour/applyStep';

const tour = (steps: unknown[]) => JSON.stringify({ format: 'pes-tour', version: 1, title: 'T', steps });
const ok = { title: 'A', text: 'B', tab: 'explore' };

describe('tour format', () => {
  it('the bundled azobenzene tour parses and covers the required topics', () => {
    const t = parseTour(readFileSync('public/tours/azobenzene.json', 'utf8'), 'azobenzene.json');
    expect(t.steps.length).toBeGreaterThanOrEqual(8);
    const titles = t.steps.map((s) => s.title.toLowerCase()).join(' | ');
    for (const w of [
      'trans',
      'cis',
      'rotation',
      'inversion',
      'force field',
      'long-range',
      'fig. 7',
      '30 seconds',
    ])
      expect(titles).toContain(w);
    expect(new Set(t.steps.map((s) => s.tab))).toEqual(new Set(['explore', 'datasets', 'study', 'train']));
    // every explorer step sets its own 3D view; a camera on another tab would do nothing
    for (const s of t.steps) expect(Boolean(s.camera?.rotate), s.title).toBe(s.tab === 'explore');
  });

  it('the bundled glycine tour parses; its study steps name runs of the committed full study', () => {
    const t = parseTour(readFileSync('public/tours/glycine.json', 'utf8'), 'glycine.json');
    expect(t.steps.length).toBeGreaterThanOrEqual(5);
    expect(t.steps.some((s) => s.tab === 'explore' && s.path === 'glycine')).toBe(true);
    const index = JSON.parse(readFileSync('docs/results/study/index.json', 'utf8')) as {
      runs: { id: string }[];
    };
    const ids = new Set(index.runs.map((r) => r.id));
    for (const s of t.steps.filter((x) => x.tab === 'study')) {
      expect(s.runs?.length, s.title).toBeGreaterThan(0);
      for (const id of s.runs!) expect(ids.has(id), `${s.title}: ${id}`).toBe(true);
    }
  });

  it('names the exact field at fault', () => {
    expect(() => parseTour('{', 'x.json')).toThrow(/x\.json: not valid JSON/);
    expect(() => parseTour(JSON.stringify({ format: 'other' }), 'x.json')).toThrow(
      /"format": must be "pes-tour"/,
    );
    expect(() => parseTour(tour([]))).toThrow(/"steps": is empty/);
    expect(() => parseTour(tour([ok, { ...ok, tab: 'explor' }]))).toThrow(
      /steps\[1\]\.tab: must be one of explore, datasets, train, evaluate, study, got string "explor"/,
    );
    expect(() => parseTour(tour([{ ...ok, text: '' }]))).toThrow(
      /steps\[0\]\.text: must be a non-empty string/,
    );
    expect(() => parseTour(tour([{ ...ok, slider: '90' }]))).toThrow(/steps\[0\]\.slider: must be a number/);
    expect(() => parseTour(tour([{ ...ok, camera: { rotate: [1, 2] } }]))).toThrow(
      /steps\[0\]\.camera\.rotate/,
    );
    expect(() => parseTour(tour([{ ...ok, camera: { pan: 1 } }]))).toThrow(
      /steps\[0\]\.camera\.pan: unknown field/,
    );
    expect(() => parseTour(tour([{ ...ok, models: [1] }]))).toThrow(/steps\[0\]\.models/);
    expect(() => parseTour(tour([{ ...ok, runs: [] }]))).toThrow(
      /steps\[0\]\.runs: must be a non-empty array/,
    );
    expect(() => parseTour(tour([{ ...ok, runs: 'glycine-gap' }]))).toThrow(/steps\[0\]\.runs/);
    expect(parseTour(tour([{ ...ok, runs: ['glycine-gap'] }])).steps[0].runs).toEqual(['glycine-gap']);
    expect(() => parseTour(tour([{ ...ok, dataset: 3 }]))).toThrow(
      /steps\[0\]\.dataset: must be a dataset id/,
    );
    expect(parseTour(tour([{ ...ok, dataset: 'glycine' }])).steps[0].dataset).toBe('glycine');
    expect(() => parseTour(tour([{ ...ok, colour: 'red' }]))).toThrow(/steps\[0\]\.colour: unknown field/);
    expect(() => parseTour(tour([{ ...ok, path: 'a b' }]))).toThrow(/steps\[0\]\.path/);
    const t = parseTour(tour([{ ...ok, camera: { rotate: [0, 90, 0], zoom: 1.5 }, models: ['m'] }]));
    expect(t.steps[0].camera).toEqual({ rotate: [0, 90, 0], zoom: 1.5 });
  });

  it('a step URL sets the tab hash and the explorer query, keeping other parameters', () => {
    const step = { ...ok, tab: 'explore' as const, path: 'azobenzene-rotation', slider: 94 };
    expect(stepUrl(step, { pathname: '/app/', search: '?backend=cpu&x=3' })).toBe(
      '/app/?backend=cpu&x=94&path=azobenzene-rotation#explore',
    );
    expect(stepUrl({ ...ok, tab: 'study' as const }, { pathname: '/', search: '' })).toBe('/#study');
  });
});
