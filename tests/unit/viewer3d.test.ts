import { afterEach, describe, expect, it } from 'vitest';
import type { GLViewer } from '3dmol';
import { LabelSet } from '../../src/ui/viewer3d/labels';
import { DynamicResolution } from '../../src/ui/viewer3d/resolution';

/** A stand-in for the parts of a 3Dmol viewer the label set touches, counting what it does. */
function fakeViewer() {
  const group = new Set<unknown>();
  const counts = { created: 0, contexts: 0, renders: 0 };
  const labels: unknown[] = [];
  const v = {
    labels,
    modelGroup: { add: (o: unknown) => group.add(o), remove: (o: unknown) => group.delete(o) },
    addLabel(text: string, style: Record<string, unknown>) {
      counts.created++;
      const label = {
        text,
        stylespec: style,
        sprite: {
          position: {
            x: 0,
            y: 0,
            z: 0,
            set(x: number, y: number, z: number) {
              Object.assign(this, { x, y, z });
            },
          },
        },
        setContext() {
          counts.contexts++;
          const p = this.stylespec.position as { x: number; y: number; z: number };
          this.sprite.position.set(p.x, p.y, p.z);
        },
        dispose() {},
      };
      label.setContext();
      group.add(label.sprite);
      labels.push(label);
      return label;
    },
    render() {
      counts.renders++;
    },
  };
  return { viewer: v as unknown as GLViewer, group, counts, labels };
}

describe('LabelSet', () => {
  const style = { fontSize: 12, inFront: true };
  const item = (text: string, x: number) => ({ text, position: { x, y: 0, z: 0 }, style });

  it('creates labels once, then moves them and re-letters only changed text, without renders', () => {
    const f = fakeViewer();
    const set = new LabelSet();
    expect(set.sync(f.viewer, [item('φ = 8.3°', 0), item('b = 1.25 Å', 1)])).toBe(2);
    expect(f.counts.created).toBe(2);
    // moved, same text: no new label, no new texture
    expect(set.sync(f.viewer, [item('φ = 8.3°', 5), item('b = 1.25 Å', 6)])).toBe(0);
    expect(f.counts.created).toBe(2);
    expect(f.counts.contexts).toBe(2);
    const sprite0 = (f.labels[0] as { sprite: { position: { x: number } } }).sprite;
    expect(sprite0.position.x).toBe(5);
    // one text changed: that one re-lettered in place
    expect(set.sync(f.viewer, [item('φ = 9.9°', 7), item('b = 1.25 Å', 8)])).toBe(1);
    expect(f.counts.created).toBe(2);
    expect((f.labels[0] as { text: string }).text).toBe('φ = 9.9°');
    expect(sprite0.position.x).toBe(7);
    expect(f.group.size).toBe(2);
    expect(f.counts.renders).toBe(0);
  });

  it('drops labels that are no longer wanted and re-creates those whose style changed', () => {
    const f = fakeViewer();
    const set = new LabelSet();
    set.sync(f.viewer, [item('a', 0), item('b', 1), item('c', 2)]);
    set.sync(f.viewer, [item('a', 0)]);
    expect(f.labels).toHaveLength(1);
    expect(f.group.size).toBe(1);
    set.sync(f.viewer, [{ ...item('a', 0), style: { fontSize: 14 } }]);
    expect(f.counts.created).toBe(4);
    expect(f.labels).toHaveLength(1);
    set.reset(f.viewer);
    expect(f.labels).toHaveLength(0);
    expect(f.group.size).toBe(0);
  });
});

describe('DynamicResolution', () => {
  const g = globalThis as unknown as { window?: { devicePixelRatio: number } };
  afterEach(() => {
    delete g.window;
  });

  it('makes 3Dmol size its buffer at half the ratio while reduced, and restores the page ratio', () => {
    g.window = { devicePixelRatio: 1 };
    const seen: number[] = [];
    const renderer = {
      _upscale: false,
      devicePixelRatio: 1,
      setSize(w: number, h: number) {
        const r = g.window!.devicePixelRatio;
        this.devicePixelRatio = this._upscale && r < 2 ? 2 : r;
        seen.push(w * this.devicePixelRatio, h * this.devicePixelRatio);
      },
      render() {},
      getCanvas: () => null,
    };
    const viewer = { renderer } as unknown as GLViewer;
    const host = { offsetWidth: 800, offsetHeight: 400 } as HTMLElement;
    const res = new DynamicResolution(viewer, host);
    expect(res.set(true)).toBe(true);
    expect(res.reduced).toBe(true);
    expect(seen.slice(-2)).toEqual([400, 200]);
    expect(g.window!.devicePixelRatio).toBe(1);
    expect(res.set(true)).toBe(false); // already reduced: nothing to do
    expect(res.set(false)).toBe(true);
    expect(seen.slice(-2)).toEqual([800, 400]);
    // with antialiasing 3Dmol upscales to 2: reduced means ratio 1, not 0.5
    renderer._upscale = true;
    res.set(true);
    expect(seen.slice(-2)).toEqual([800, 400]);
    expect(renderer._upscale).toBe(true);
  });
});
