/**
 * Small, pure geometry helpers for molecules. Positions are Å; angles are returned in degrees unless a
 * name says otherwise. A "flat" coordinate array is [x0, y0, z0, x1, …] (length 3·nAtoms), the same
 * layout as one frame of `Dataset.R`.
 */

export type Vec3 = [number, number, number];

export const DEG = Math.PI / 180;

export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
export function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}
export function normalize(a: Vec3): Vec3 {
  const n = norm(a);
  if (n === 0) throw new Error('cannot normalize a zero vector');
  return scale(a, 1 / n);
}

/** Atom i of a flat coordinate array. */
export function atom(R: ArrayLike<number>, i: number): Vec3 {
  return [R[3 * i], R[3 * i + 1], R[3 * i + 2]];
}

/** Distance between atoms i and j, Å. */
export function distance(R: ArrayLike<number>, i: number, j: number): number {
  return norm(sub(atom(R, i), atom(R, j)));
}

/** Bond angle i–j–k (j at the vertex), degrees in [0, 180]. */
export function angle(R: ArrayLike<number>, i: number, j: number, k: number): number {
  const u = sub(atom(R, i), atom(R, j));
  const v = sub(atom(R, k), atom(R, j));
  const c = dot(u, v) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, c))) / DEG;
}

/**
 * Signed dihedral i–j–k–l, degrees in (−180, 180] (IUPAC sign convention: positive = clockwise
 * rotation of the i–j bond onto k–l when looking from j to k). Computed with atan2, so it stays
 * accurate near 0° and 180°.
 */
export function dihedral(R: ArrayLike<number>, i: number, j: number, k: number, l: number): number {
  return dihedralOf(atom(R, i), atom(R, j), atom(R, k), atom(R, l));
}

export function dihedralOf(p0: Vec3, p1: Vec3, p2: Vec3, p3: Vec3): number {
  const b0 = sub(p0, p1);
  const b1 = sub(p2, p1);
  const b2 = sub(p3, p2);
  const b1n = normalize(b1);
  const v = sub(b0, scale(b1n, dot(b0, b1n)));
  const w = sub(b2, scale(b1n, dot(b2, b1n)));
  const x = dot(v, w);
  const y = dot(cross(b1n, v), w);
  const d = Math.atan2(y, x) / DEG;
  return d === -180 ? 180 : d;
}

/** Wrap an angle in degrees to (−180, 180]. */
export function wrapDeg(a: number): number {
  let x = ((((a + 180) % 360) + 360) % 360) - 180;
  if (x === -180) x = 180;
  return x;
}

/** Rotate point p about the axis through `origin` with direction `axis` by `angleDeg` (right hand). */
export function rotateAboutAxis(p: Vec3, origin: Vec3, axis: Vec3, angleDeg: number): Vec3 {
  const k = normalize(axis);
  const v = sub(p, origin);
  const c = Math.cos(angleDeg * DEG);
  const s = Math.sin(angleDeg * DEG);
  // Rodrigues: v c + (k × v) s + k (k·v)(1 − c)
  const kv = cross(k, v);
  const kd = dot(k, v) * (1 - c);
  return add(origin, [
    v[0] * c + kv[0] * s + k[0] * kd,
    v[1] * c + kv[1] * s + k[1] * kd,
    v[2] * c + kv[2] * s + k[2] * kd,
  ]);
}

/** Rotate the listed atoms of a flat coordinate array in place about the axis through atoms a → b. */
export function rotateAtoms(
  R: Float64Array | number[],
  atoms: readonly number[],
  a: number,
  b: number,
  angleDeg: number,
): void {
  const o = atom(R, a);
  const ax = sub(atom(R, b), o);
  for (const i of atoms) {
    const p = rotateAboutAxis(atom(R, i), o, ax, angleDeg);
    R[3 * i] = p[0];
    R[3 * i + 1] = p[1];
    R[3 * i + 2] = p[2];
  }
}

/**
 * Place a fourth atom from three reference atoms (natural-extension reference frame, as a Z-matrix does):
 * |d − c| = bond, angle b–c–d = angleDeg, dihedral a–b–c–d = dihedralDeg.
 */
export function placeAtom(
  a: Vec3,
  b: Vec3,
  c: Vec3,
  bond: number,
  angleDeg: number,
  dihedralDeg: number,
): Vec3 {
  const bc = normalize(sub(c, b));
  const n = normalize(cross(sub(b, a), bc));
  const m = cross(n, bc);
  const th = angleDeg * DEG;
  const ph = dihedralDeg * DEG;
  const d2: Vec3 = [
    -bond * Math.cos(th),
    bond * Math.sin(th) * Math.cos(ph),
    bond * Math.sin(th) * Math.sin(ph),
  ];
  return [
    c[0] + bc[0] * d2[0] + m[0] * d2[1] + n[0] * d2[2],
    c[1] + bc[1] * d2[0] + m[1] * d2[1] + n[1] * d2[2],
    c[2] + bc[2] * d2[0] + m[2] * d2[1] + n[2] * d2[2],
  ];
}

/** One Z-matrix row: atom placed from up to three earlier atoms (indices into the rows placed so far). */
export interface ZRow {
  bondTo?: number;
  bond?: number;
  angleTo?: number;
  angle?: number;
  dihedralTo?: number;
  dihedral?: number;
}

/**
 * Cartesian coordinates from a Z-matrix. Row 0 sits at the origin, row 1 on +x, row 2 in the xy plane;
 * later rows need all three references.
 */
export function fromZMatrix(rows: readonly ZRow[]): Float64Array {
  const out: Vec3[] = [];
  rows.forEach((r, i) => {
    if (i === 0) out.push([0, 0, 0]);
    else if (i === 1) out.push([r.bond!, 0, 0]);
    else if (i === 2) {
      const c = out[r.bondTo!];
      const b = out[r.angleTo!];
      const th = r.angle! * DEG;
      const u = normalize(sub(b, c));
      // a vector perpendicular to u in the xy plane
      const perp: Vec3 = [-u[1], u[0], 0];
      out.push(add(c, add(scale(u, r.bond! * Math.cos(th)), scale(perp, r.bond! * Math.sin(th)))));
    } else {
      out.push(
        placeAtom(out[r.dihedralTo!], out[r.angleTo!], out[r.bondTo!], r.bond!, r.angle!, r.dihedral!),
      );
    }
  });
  return Float64Array.from(out.flat());
}

/** Mean position of all atoms (unweighted). */
export function centroid(R: ArrayLike<number>): Vec3 {
  const n = R.length / 3;
  const c: Vec3 = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += R[3 * i + k] / n;
  return c;
}

/** Jacobi eigen-decomposition of a symmetric 4×4 (or any small) matrix; returns eigenvalues and columns. */
function jacobiEigen(A: number[][]): { values: number[]; vectors: number[][] } {
  const n = A.length;
  const a = A.map((r) => r.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: a.map((r, i) => r[i]), vectors: v };
}

/**
 * Optimal rotation (Kabsch, via Horn's quaternion method, so never a reflection) that superimposes
 * `mobile` onto `target` after both are centred. Returns the 3×3 rotation matrix (row-major) and the
 * centroids; apply as R·(x − cMobile) + cTarget.
 */
export function kabsch(
  mobile: ArrayLike<number>,
  target: ArrayLike<number>,
  weights?: ArrayLike<number>,
): { rot: number[][]; cMobile: Vec3; cTarget: Vec3 } {
  const n = mobile.length / 3;
  if (target.length !== mobile.length) throw new Error('kabsch: coordinate arrays differ in length');
  const w = (i: number) => (weights ? weights[i] : 1);
  let wsum = 0;
  const cm: Vec3 = [0, 0, 0];
  const ct: Vec3 = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    wsum += w(i);
    for (let k = 0; k < 3; k++) {
      cm[k] += w(i) * mobile[3 * i + k];
      ct[k] += w(i) * target[3 * i + k];
    }
  }
  for (let k = 0; k < 3; k++) {
    cm[k] /= wsum;
    ct[k] /= wsum;
  }
  // correlation matrix S_ab = Σ w x_a y_b  (x mobile, y target)
  const S = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < n; i++)
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) S[a][b] += w(i) * (mobile[3 * i + a] - cm[a]) * (target[3 * i + b] - ct[b]);
  const [[xx, xy, xz], [yx, yy, yz], [zx, zy, zz]] = S;
  const N = [
    [xx + yy + zz, yz - zy, zx - xz, xy - yx],
    [yz - zy, xx - yy - zz, xy + yx, zx + xz],
    [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
    [xy - yx, zx + xz, yz + zy, -xx - yy + zz],
  ];
  const { values, vectors } = jacobiEigen(N);
  let best = 0;
  for (let i = 1; i < 4; i++) if (values[i] > values[best]) best = i;
  const [q0, q1, q2, q3] = [vectors[0][best], vectors[1][best], vectors[2][best], vectors[3][best]];
  const rot = [
    [q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2)],
    [2 * (q1 * q2 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1)],
    [2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3],
  ];
  return { rot, cMobile: cm, cTarget: ct };
}

/** `mobile` rotated and translated onto `target` (Kabsch); returns a new flat array. */
export function alignTo(
  mobile: ArrayLike<number>,
  target: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Float64Array {
  const { rot, cMobile, cTarget } = kabsch(mobile, target, weights);
  const n = mobile.length / 3;
  const out = new Float64Array(mobile.length);
  for (let i = 0; i < n; i++) {
    const x = [mobile[3 * i] - cMobile[0], mobile[3 * i + 1] - cMobile[1], mobile[3 * i + 2] - cMobile[2]];
    for (let a = 0; a < 3; a++)
      out[3 * i + a] = rot[a][0] * x[0] + rot[a][1] * x[1] + rot[a][2] * x[2] + cTarget[a];
  }
  return out;
}

/** Root-mean-square deviation after optimal superposition, Å. */
export function rmsd(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const al = alignTo(a, b);
  let s = 0;
  for (let i = 0; i < al.length; i++) s += (al[i] - b[i]) ** 2;
  return Math.sqrt(s / (al.length / 3));
}

/** Linear interpolation of angles in degrees along the shorter arc. */
export function lerpAngleDeg(a: number, b: number, t: number): number {
  return a + wrapDeg(b - a) * t;
}

/** All pairwise distances i > j in the sGDML order (1,0), (2,0), (2,1), (3,0)… */
export function pairDistances(R: ArrayLike<number>): Float64Array {
  const n = R.length / 3;
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) out[k++] = distance(R, i, j);
  return out;
}
