/**
 * Region coordinates of the local-model mixture: a scalar s(R) with its exact gradient ∂s/∂R, so the
 * mixture's forces can carry the chain-rule term of its weights.
 *
 * - `absDihedral`: |φ| in degrees (0…180) of four atoms (azobenzene: C–N=N–C, atoms 2, 0, 1, 8). |φ| has
 *   kinks at 0° and 180°; the mixture keeps its transitions away from both, where the weights are flat.
 * - `distance`: r_ij in Å.
 * - `angle`: the bond angle i–j–k in degrees.
 */
export type RegionCoordinate =
  | { type: 'absDihedral'; atoms: [number, number, number, number] }
  | { type: 'distance'; atoms: [number, number] }
  | { type: 'angle'; atoms: [number, number, number] };

const RAD = 180 / Math.PI;

/** Human-readable name with units, e.g. "|φ(2,0,1,8)| (°)". */
export function coordinateLabel(c: RegionCoordinate): string {
  const a = c.atoms.join(',');
  if (c.type === 'absDihedral') return `|φ(${a})| (°)`;
  if (c.type === 'distance') return `r(${a}) (Å)`;
  return `θ(${a}) (°)`;
}

/** Allowed range of the coordinate (transitions must lie strictly inside it for |φ|). */
export function coordinateRange(c: RegionCoordinate): [number, number] {
  if (c.type === 'distance') return [0, Infinity];
  return [0, 180];
}

/** Checks the atom indices against the molecule size; throws a readable error. */
export function checkCoordinate(c: RegionCoordinate, nAtoms: number): void {
  const need = c.type === 'absDihedral' ? 4 : c.type === 'distance' ? 2 : 3;
  if (!Array.isArray(c.atoms) || c.atoms.length !== need)
    throw new Error(`region coordinate ${c.type} needs ${need} atom indices`);
  for (const a of c.atoms)
    if (!Number.isInteger(a) || a < 0 || a >= nAtoms)
      throw new Error(`region coordinate: atom index ${a} is out of range 0…${nAtoms - 1}`);
  if (new Set(c.atoms).size !== need) throw new Error('region coordinate: atom indices must be distinct');
}

/**
 * Value of the coordinate for the frame at R[off…] and, when `grad` is given, its gradient written into
 * grad[0 … 3N) (zeroed first; only the coordinate's atoms are non-zero).
 */
export function coordinateValueGrad(
  c: RegionCoordinate,
  R: ArrayLike<number>,
  off: number,
  grad?: Float64Array,
): number {
  if (grad) grad.fill(0);
  const P = (i: number): [number, number, number] => [R[off + 3 * i], R[off + 3 * i + 1], R[off + 3 * i + 2]];
  if (c.type === 'distance') {
    const [i, j] = c.atoms;
    const a = P(i),
      b = P(j);
    const d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    const r = Math.hypot(d[0], d[1], d[2]);
    if (grad)
      for (let k = 0; k < 3; k++) {
        grad[3 * i + k] = d[k] / r;
        grad[3 * j + k] = -d[k] / r;
      }
    return r;
  }
  if (c.type === 'angle') {
    const [i, j, k] = c.atoms;
    const pi = P(i),
      pj = P(j),
      pk = P(k);
    const u = [pi[0] - pj[0], pi[1] - pj[1], pi[2] - pj[2]];
    const v = [pk[0] - pj[0], pk[1] - pj[1], pk[2] - pj[2]];
    const nu = Math.hypot(u[0], u[1], u[2]),
      nv = Math.hypot(v[0], v[1], v[2]);
    const cos = Math.max(-1, Math.min(1, (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (nu * nv)));
    const th = Math.acos(cos);
    if (grad) {
      const s = Math.max(Math.sin(th), 1e-12);
      for (let q = 0; q < 3; q++) {
        // dθ/du = −(v/(|u||v|) − cos·u/|u|²)/sin θ
        const gu = (-(v[q] / (nu * nv) - (cos * u[q]) / (nu * nu)) / s) * RAD;
        const gv = (-(u[q] / (nu * nv) - (cos * v[q]) / (nv * nv)) / s) * RAD;
        grad[3 * i + q] = gu;
        grad[3 * k + q] = gv;
        grad[3 * j + q] = -gu - gv;
      }
    }
    return th * RAD;
  }
  // signed dihedral φ of i–j–k–l (Blondel–Karplus gradient), then |φ|
  const [i, j, k, l] = c.atoms;
  const pi = P(i),
    pj = P(j),
    pk = P(k),
    pl = P(l);
  const f = [pi[0] - pj[0], pi[1] - pj[1], pi[2] - pj[2]];
  const g = [pj[0] - pk[0], pj[1] - pk[1], pj[2] - pk[2]];
  const h = [pl[0] - pk[0], pl[1] - pk[1], pl[2] - pk[2]];
  const cr = (a: number[], b: number[]) => [
    a[1] * b[2] - a[2] * b[1],
    a[2] * b[0] - a[0] * b[2],
    a[0] * b[1] - a[1] * b[0],
  ];
  const dt = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const A = cr(f, g),
    B = cr(h, g);
  const gl = Math.sqrt(dt(g, g));
  const a2 = dt(A, A),
    b2 = dt(B, B);
  // φ = atan2((A × B)·ĝ, A·B) with this convention equals the IUPAC dihedral (checked against dihedralDeg)
  const y = dt(cr(B, A), g) / gl;
  const x = dt(A, B);
  const phi = Math.atan2(y, x);
  const sign = phi < 0 ? -1 : 1;
  if (grad) {
    const fg = dt(f, g),
      hg = dt(h, g);
    for (let q = 0; q < 3; q++) {
      const di = (-gl / a2) * A[q];
      const dl = (gl / b2) * B[q];
      const dj = -di + (fg / (a2 * gl)) * A[q] - (hg / (b2 * gl)) * B[q];
      const dk = -dl - (fg / (a2 * gl)) * A[q] + (hg / (b2 * gl)) * B[q];
      grad[3 * i + q] = sign * di * RAD;
      grad[3 * j + q] = sign * dj * RAD;
      grad[3 * k + q] = sign * dk * RAD;
      grad[3 * l + q] = sign * dl * RAD;
    }
  }
  return Math.abs(phi) * RAD;
}
