import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseTour, tourJson } from '../../src/ui/tour/tourFormat';
import { xParam } from '../../src/state/persist';
import { stepUrl, withoutCam } from '../../src/ui/tour/applyStep';
import {
  clearTourSession,
  readTourSession,
  saveTourSession,
  tourFromQuery,
  tourQuery,
} from '../../src/ui/tour/tourSession';
import { stubLocalStorage } from './memory-storage';

const azobenzene = parseTour(readFileSync('public/tours/azobenzene.json', 'utf8'), 'azobenzene.json');

afterEach(() => vi.unstubAllGlobals());

describe('tour session (a tour survives a reload)', () => {
  it('tourJson writes a tour that parses back to the same tour (camera "reset" included)', () => {
    expect(parseTour(tourJson(azobenzene))).toEqual(azobenzene);
    const withReset = { ...azobenzene, steps: [{ ...azobenzene.steps[0], camera: { reset: true } }] };
    expect(JSON.parse(tourJson(withReset)).steps[0].camera).toBe('reset');
    expect(parseTour(tourJson(withReset))).toEqual(withReset);
  });

  it('a bundled tour puts its name and 1-based step in the query; a file tour or none removes them', () => {
    expect(tourQuery('?backend=cpu', { name: 'glycine', step: 2 })).toBe('?backend=cpu&tour=glycine&step=3');
    expect(tourQuery('?tour=glycine&step=3&x=90', { name: null, step: 0 })).toBe('?x=90');
    expect(tourQuery('?tour=glycine&step=3', null)).toBe('');
    expect(tourFromQuery('?x=1&tour=glycine&step=3')).toEqual({ name: 'glycine', step: 2 });
    expect(tourFromQuery('?tour=glycine')).toEqual({ name: 'glycine', step: 0 });
    expect(tourFromQuery('?tour=glycine&step=zero')).toEqual({ name: 'glycine', step: 0 });
    expect(tourFromQuery('?tour=../x')).toBeNull();
    expect(tourFromQuery('?x=1')).toBeNull();
  });

  it('a step URL of a bundled tour carries ?tour=&step=, with the explorer query and the tab', () => {
    const step = { ...azobenzene.steps[1], camera: undefined };
    const url = stepUrl(step, { pathname: '/', search: '?backend=cpu' }, { name: 'azobenzene', step: 1 });
    const q = new URL(url, 'http://x').searchParams;
    expect(q.get('tour')).toBe('azobenzene');
    expect(q.get('step')).toBe('2');
    expect(q.get('backend')).toBe('cpu');
    expect(url.endsWith(`#${step.tab}`)).toBe(true);
    expect(
      stepUrl(step, { pathname: '/', search: '?tour=azobenzene&step=2' }, { name: null, step: 1 }),
    ).not.toMatch(/tour=|step=/);
  });

  it('a step writes ?x= rounded as the explorer does, so its history entry is recognised again', () => {
    const step = { title: 't', text: 'x', tab: 'explore' as const, path: 'glycine', slider: 67.4947 };
    const url = stepUrl(step, { pathname: '/', search: '?x=67.49&path=glycine' });
    expect(url).toBe('/?x=67.49&path=glycine#explore');
    expect(new URL(url, 'http://x').searchParams.get('x')).toBe(xParam(67.4947));
  });

  it('withoutCam drops only the camera from a URL', () => {
    expect(withoutCam('/app/?path=a&cam=1_2_3&tour=t&step=2#explore')).toBe(
      '/app/?path=a&tour=t&step=2#explore',
    );
    expect(withoutCam('/?cam=1#study')).toBe('/#study');
    expect(withoutCam('/')).toBe('/');
  });

  it('keeps the tour, step and name in sessionStorage until cleared; a damaged entry is ignored', () => {
    const store = stubLocalStorage('sessionStorage');
    expect(readTourSession()).toBeUndefined();
    saveTourSession({ tour: azobenzene, step: 4, name: 'azobenzene' });
    expect(readTourSession()).toEqual({ tour: azobenzene, step: 4, name: 'azobenzene' });
    saveTourSession({ tour: azobenzene, step: 99, name: null });
    expect(readTourSession()?.step).toBe(azobenzene.steps.length - 1);
    expect(readTourSession()?.name).toBeNull();
    saveTourSession({ tour: azobenzene, step: 1, name: 'azobenzene', datasetBefore: 'user:mine.xyz' });
    expect(readTourSession()?.datasetBefore).toBe('user:mine.xyz');
    saveTourSession({ tour: azobenzene, step: 1, name: 'azobenzene', datasetBefore: null });
    expect(readTourSession()?.datasetBefore).toBeNull();
    clearTourSession();
    expect(readTourSession()).toBeUndefined();
    store.set('pes.tour.session', JSON.stringify({ tour: '{"format":"pes-tour"}', step: 1 }));
    expect(readTourSession()).toBeUndefined();
    store.set('pes.tour.session', '{not json');
    expect(readTourSession()).toBeUndefined();
  });

  it('without sessionStorage nothing throws and nothing is kept', () => {
    vi.stubGlobal('sessionStorage', undefined);
    expect(() => saveTourSession({ tour: azobenzene, step: 0, name: null })).not.toThrow();
    expect(readTourSession()).toBeUndefined();
    expect(() => clearTourSession()).not.toThrow();
  });
});
