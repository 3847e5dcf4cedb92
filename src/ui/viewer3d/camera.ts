/**
 * The 3D camera as data: 3Dmol's view array (getView/setView: translation x, y, z in Å, the zoom
 * distance, the rotation quaternion x, y, z, w), its compact URL form (`&cam=…`, rounded), and the
 * camera requests the explorer sends to the viewer (a saved view, or a tour step's reset/rotate/zoom).
 */

/** 3Dmol view: [pos.x, pos.y, pos.z, zoom z, q.x, q.y, q.z, q.w]. */
export type CameraView = readonly number[];

/** What the viewer should do to its camera once the molecule is on screen. */
export type CameraRequest =
  | { kind: 'view'; view: CameraView }
  /** From the default orientation (the one the molecule loads in): rotate x°, y°, z°, then zoom. */
  | { kind: 'tour'; rotate?: readonly [number, number, number]; zoom?: number };

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** Normalises the quaternion part; null when the array is not a usable view. */
export function normaliseView(v: ArrayLike<number>): number[] | null {
  if (v.length < 8) return null;
  const a = Array.from(v).slice(0, 8);
  if (!a.every(Number.isFinite)) return null;
  const n = Math.hypot(a[4], a[5], a[6], a[7]);
  if (!(n > 1e-6)) return null;
  for (let i = 4; i < 8; i++) a[i] /= n;
  return a;
}

/**
 * Compact text of a view for the URL: translation to 0.01 Å, zoom distance to 0.1, quaternion to
 * 4 decimals, joined with "_" (no escaping needed in a query).
 */
export function encodeView(v: CameraView): string {
  const n = normaliseView(v);
  if (!n) throw new Error(`not a camera view: [${Array.from(v).join(', ')}]`);
  const digits = [2, 2, 2, 1, 4, 4, 4, 4];
  return n.map((x, i) => String(round(x, digits[i]))).join('_');
}

/** Parses encodeView's text; null for anything malformed (a bad `cam` parameter is ignored). */
export function decodeView(s: string | null | undefined): number[] | null {
  if (!s) return null;
  const parts = s.split('_');
  if (parts.length !== 8 || parts.some((p) => !/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(p.trim()))) return null;
  return normaliseView(parts.map(Number));
}

/** True when two views differ by less than the URL's rounding (so no rewrite is needed). */
export function sameView(a: CameraView | null, b: CameraView | null): boolean {
  if (!a || !b || a.length < 8 || b.length < 8) return a === b;
  for (let i = 0; i < 3; i++) if (Math.abs(a[i] - b[i]) > 0.006) return false;
  return Math.abs(a[3] - b[3]) <= 0.06 && rotationAngle(a, b) <= 0.05;
}

/** Degrees between the rotations of two views (0 = same orientation). */
export function rotationAngle(a: CameraView, b: CameraView): number {
  const dot = Math.abs(a[4] * b[4] + a[5] * b[5] + a[6] * b[6] + a[7] * b[7]);
  return (2 * Math.acos(Math.min(1, dot)) * 180) / Math.PI;
}
