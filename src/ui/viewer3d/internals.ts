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

interface GeometryGroupLike {
  vertexArray: Float32Array | null;
  colorArray: Float32Array | null;
  normalArray: Float32Array | null;
  faceArray: Uint16Array | null;
  lineArray: Uint16Array | null;
  radiusArray: Float32Array | null;
  useOffset?: unknown;
}

interface GeometryLike {
  geometryGroups: GeometryGroupLike[];
  groups: number;
  mesh?: boolean;
  radii?: boolean;
  offset?: unknown;
  addGeoGroup(): GeometryGroupLike;
}

let groupClass: (new (id: number) => GeometryGroupLike) | null | undefined;

/**
 * 3Dmol gives every geometry group room for 65 535 vertices: ≈ 4 MB of typed arrays, zeroed, for each
 * shape, although an arrow set has ~1 200 vertices. The viewer rebuilds its shapes (force arrows,
 * highlighted bonds) every frame of a drag, so that was ~20 MB of garbage per frame and GC pauses in
 * the frame-time tail. This makes one shape's new groups `capacity` vertices long; 3Dmol's drawing
 * code asks for room before each arrow or cylinder and opens a further group when one is full.
 * Call right after addShape, before anything is drawn into it. Returns false (and changes nothing) on
 * a 3Dmol without the expected fields.
 */
export function compactShapeGeometry(shape: unknown, capacity = 4096): boolean {
  const geo = (shape as { geo?: GeometryLike }).geo;
  if (!geo || !Array.isArray(geo.geometryGroups) || geo.geometryGroups.length > 0) return false;
  if (typeof geo.addGeoGroup !== 'function') return false;
  if (groupClass === undefined) {
    // 3Dmol does not export its GeometryGroup class: take it from one group made the usual way (once).
    const probe = { geometryGroups: [], groups: 0, mesh: false, radii: false } as unknown as GeometryLike;
    const g = geo.addGeoGroup.call(probe) as GeometryGroupLike | undefined;
    groupClass =
      g && typeof g.constructor === 'function' ? (g.constructor as unknown as typeof groupClass) : null;
  }
  const Group = groupClass;
  if (!Group) return false;
  geo.addGeoGroup = function (this: GeometryLike) {
    const g = new Group(this.geometryGroups.length);
    this.geometryGroups.push(g);
    this.groups = this.geometryGroups.length;
    g.vertexArray = new Float32Array(capacity * 3);
    g.colorArray = new Float32Array(capacity * 3);
    if (this.mesh) {
      g.normalArray = new Float32Array(capacity * 3);
      g.faceArray = new Uint16Array(capacity * 6);
      g.lineArray = new Uint16Array(capacity * 6);
    }
    if (this.radii) g.radiusArray = new Float32Array(capacity);
    g.useOffset = this.offset;
    return g;
  };
  return true;
}
