import { describe, expect, it } from 'vitest';
import { decodeView, encodeView, normaliseView, rotationAngle, sameView } from '../../src/ui/viewer3d/camera';

describe('camera view URL encoding', () => {
  const q = [0.1, -0.7, 0.3, 0.6];
  const n = Math.hypot(...q);
  const view = [-1.23456, 0.5, 2.0001, -45.678, ...q.map((v) => v / n)];

  it('round-trips within the rounding and keeps the quaternion normalised', () => {
    const s = encodeView(view);
    expect(s).toMatch(/^[-\d._]+$/);
    expect(s.split('_')).toHaveLength(8);
    const back = decodeView(s)!;
    expect(back).not.toBeNull();
    for (let i = 0; i < 3; i++) expect(Math.abs(back[i] - view[i])).toBeLessThanOrEqual(0.005 + 1e-12);
    expect(Math.abs(back[3] - view[3])).toBeLessThanOrEqual(0.05 + 1e-12);
    expect(Math.hypot(back[4], back[5], back[6], back[7])).toBeCloseTo(1, 12);
    expect(rotationAngle(back, view)).toBeLessThan(0.05);
    expect(sameView(back, view)).toBe(true);
  });

  it('normalises an unnormalised quaternion and rejects a zero one', () => {
    const v = normaliseView([0, 0, 0, -50, 0, 0, 0, 2])!;
    expect(v.slice(4)).toEqual([0, 0, 0, 1]);
    expect(normaliseView([0, 0, 0, -50, 0, 0, 0, 0])).toBeNull();
    expect(() => encodeView([1, 2, 3])).toThrow(/not a camera view/);
  });

  it('ignores malformed parameters', () => {
    for (const bad of [
      '',
      null,
      '1_2_3',
      '1_2_3_4_5_6_7_x',
      '1_2_3_4_0_0_0_0',
      '1_2_3_4_5_6_7_8_9',
      'NaN_0_0_0_0_0_0_1',
    ])
      expect(decodeView(bad)).toBeNull();
    expect(decodeView('0_0_0_-50_0_0_0_1')).toEqual([0, 0, 0, -50, 0, 0, 0, 1]);
  });

  it('tells different views apart, and q from −q not', () => {
    const a = [0, 0, 0, -50, 0, 0, 0, 1];
    expect(sameView(a, [0, 0, 0, -50, 0, 0, 0, -1])).toBe(true);
    expect(sameView(a, [0.02, 0, 0, -50, 0, 0, 0, 1])).toBe(false);
    expect(sameView(a, [0, 0, 0, -51, 0, 0, 0, 1])).toBe(false);
    const turn = [0, 0, 0, -50, 0, Math.sin(Math.PI / 8), 0, Math.cos(Math.PI / 8)];
    expect(rotationAngle(a, turn)).toBeCloseTo(45, 9);
    expect(sameView(a, turn)).toBe(false);
  });
});

describe('explorer view query (cam, ds, show)', async () => {
  const { readExtraQuery, withExtraQuery } = await import('../../src/ui/explorer/viewUrl');
  const { stepUrl } = await import('../../src/ui/tour/applyStep');

  it('reads and writes cam/ds/show, keeping the other parameters', () => {
    const s = withExtraQuery('?backend=wasm&path=glycine&x=12', {
      cam: [0, 0.5, 0, -60, 0, 0, 0, 1],
      ds: 'glycine',
      show: ['m1', 'study:k'],
    });
    const q = new URLSearchParams(s);
    expect(q.get('backend')).toBe('wasm');
    expect(q.get('path')).toBe('glycine');
    expect(q.get('cam')).toBe('0_0.5_0_-60_0_0_0_1');
    expect(readExtraQuery(s)).toEqual({
      cam: [0, 0.5, 0, -60, 0, 0, 0, 1],
      ds: 'glycine',
      show: ['m1', 'study:k'],
    });
    expect(readExtraQuery(withExtraQuery(s, { show: [] })).show).toEqual([]);
    expect(readExtraQuery(withExtraQuery(s, { show: null, cam: null })).show).toBeUndefined();
    expect(readExtraQuery('?cam=garbage&ds=')).toEqual({});
  });

  it('a tour step with a camera drops the old camera from its URL', () => {
    const loc = { pathname: '/', search: '?backend=wasm&cam=0_0_0_-50_0_0_0_1' };
    const base = { title: 't', text: 'x', tab: 'explore' as const, path: 'glycine' };
    expect(stepUrl({ ...base, camera: { reset: true } }, loc)).toBe('/?backend=wasm&path=glycine#explore');
    expect(stepUrl(base, loc)).toContain('cam=0_0_0_-50_0_0_0_1');
  });
});
