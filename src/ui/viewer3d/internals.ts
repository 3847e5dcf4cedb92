/**
 * The few 3Dmol internals the viewer relies on for drawing without extra renders (3Dmol 2.5): the
 * label list and model group (labels are moved and re-lettered in place instead of re-created, since
 * addLabel/removeLabel/setLabelText each render the whole scene) and the WebGL renderer (its pixel
 * ratio, for a cheaper frame while dragging; its render call, timed for the slider benchmark).
 * Everything here checks that the field exists and falls back to the public API otherwise.
 */
import type { GLViewer } from '3dmol';

export interface LabelLike {
  text: string;
  stylespec: { position?: { x: number; y: number; z: number } } & Record<string, unknown>;
  sprite: { position: { set(x: number, y: number, z: number): void } };
  setContext(): void;
  dispose(): void;
}

interface GroupLike {
  add(o: unknown): void;
  remove(o: unknown): void;
}

export interface RendererLike {
  devicePixelRatio: number;
  setSize(w: number, h: number): void;
  render(...args: unknown[]): void;
  getCanvas(): HTMLCanvasElement;
}

interface ViewerInternals {
  labels?: (LabelLike | null)[];
  modelGroup?: GroupLike;
  renderer?: RendererLike;
}

const inside = (v: GLViewer) => v as unknown as ViewerInternals;

/** The viewer's model group, or null on a 3Dmol without it. */
export function modelGroupOf(v: GLViewer): GroupLike | null {
  const g = inside(v).modelGroup;
  return g && typeof g.add === 'function' && typeof g.remove === 'function' ? g : null;
}

/** The viewer's WebGL renderer, or null on a 3Dmol without the expected fields. */
export function rendererOf(v: GLViewer): RendererLike | null {
  const r = inside(v).renderer;
  return r && typeof r.setSize === 'function' && typeof r.render === 'function' ? r : null;
}

/** Removes one label without a render. */
export function dropLabel(v: GLViewer, label: LabelLike): void {
  const g = modelGroupOf(v);
  const list = inside(v).labels;
  if (!g || !list) {
    v.removeLabel(label as never);
    return;
  }
  g.remove(label.sprite);
  label.dispose();
  const i = list.indexOf(label);
  if (i >= 0) list.splice(i, 1);
}

/** Changes a label's text and position without a render (what setLabelText does, minus the render). */
export function reletter(
  v: GLViewer,
  label: LabelLike,
  text: string,
  at: { x: number; y: number; z: number },
) {
  const g = modelGroupOf(v);
  if (!g) {
    label.stylespec.position = at;
    v.setLabelText(label as never, text);
    return;
  }
  g.remove(label.sprite);
  label.dispose();
  label.text = text;
  label.stylespec.position = at;
  label.setContext();
  g.add(label.sprite);
}
