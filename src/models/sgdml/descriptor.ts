/**
 * sGDML descriptors and their Jacobians.
 *
 * - `InvDistDescriptor`: x_k = 1/r_ab over the lower triangle a > b in the reference order
 *   (1,0), (2,0), (2,1), (3,0)…, i.e. k = a(a−1)/2 + b — the `sgdml` package's `np.tril_indices(n, -1)`.
 * - `ExtendedDescriptor`: the paper's "[1/r + ang]": the inverse distances followed by, for every bonded
 *   angle Θ (i–j–k, bonds i–j and j–k), D_Θ = (1 − e^(−Θ))² − 1, and for every bonded dihedral Φ (i–j–k–l),
 *   D_Φ = 1 + cos Φ (angles in radians). Bonds come from covalent radii on a reference geometry:
 *   r_ab < 1.25·(r_cov(a) + r_cov(b)).
 *
 * The Jacobian ∂x/∂R is sparse: row k touches only the atoms in `rowAtoms[rowPtr[k]..rowPtr[k+1])`, and
 * `grad[3e..3e+2]` holds ∂x_k/∂r_atom for entry e. The structure (rowPtr, rowAtoms) is the same for every
 * geometry; only the gradient values change.
 */

export type DescriptorKind = 'inv' | 'inv+ang';

export interface Descriptor {
  readonly kind: DescriptorKind;
  readonly nAtoms: number;
  readonly dim: number;
  readonly rowPtr: Int32Array;
  readonly rowAtoms: Int32Array;
  /** Number of Jacobian entries (atoms summed over rows). */
  readonly nnz: number;
  /**
   * Descriptor of the geometry R[off .. off + 3N) into x (length dim); when grad is given, the Jacobian values
   * (length 3·nnz) too.
   */
  compute(R: Float64Array, off: number, x: Float64Array, grad: Float64Array | null): void;
  /**
   * For an atom permutation p (geometry R' with R'[a] = R[p[a]]), the index map m with x(R')[k] = x(R)[m[k]];
   * null when p does not map the descriptor onto itself (e.g. breaks the bond graph of the extended one).
   */
  permIndex(perm: ArrayLike<number>): Int32Array | null;
  /** JSON-safe definition (enough to rebuild it with `descriptorFromJSON`). */
  toJSON(): DescriptorJSON;
}

export interface DescriptorJSON {
  kind: DescriptorKind;
  nAtoms: number;
  angles?: number[];
  dihedrals?: number[];
}

/** Index of the pair (a, b), a ≠ b, in the lower-triangle order. */
export function trilIndex(a: number, b: number): number {
  if (a < b) [a, b] = [b, a];
  return (a * (a - 1)) / 2 + b;
}

/** Covalent radii (Å), Cordero et al. 2008 (C sp3). Elements absent here get 1.5 Å. */
const COVALENT_RADIUS: Record<number, number> = {
  1: 0.31,
  5: 0.84,
  6: 0.76,
  7: 0.71,
  8: 0.66,
  9: 0.57,
  14: 1.11,
  15: 1.07,
  16: 1.05,
  17: 1.02,
  35: 1.2,
  53: 1.39,
};

/** Bonds (a < b) of a geometry R (flat, 3N) from covalent radii: r_ab < factor·(r_a + r_b). */
export function bondsFromGeometry(
  z: ArrayLike<number>,
  R: ArrayLike<number>,
  factor = 1.25,
): [number, number][] {
  const n = z.length;
  const out: [number, number][] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const dx = R[3 * a] - R[3 * b],
        dy = R[3 * a + 1] - R[3 * b + 1],
        dz = R[3 * a + 2] - R[3 * b + 2];
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const ra = COVALENT_RADIUS[z[a]] ?? 1.5,
        rb = COVALENT_RADIUS[z[b]] ?? 1.5;
      if (r < factor * (ra + rb)) out.push([a, b]);
    }
  return out;
}

function invDistStructure(n: number): { rowPtr: Int32Array; rowAtoms: Int32Array } {
  const dim = (n * (n - 1)) / 2;
  const rowPtr = new Int32Array(dim + 1);
  const rowAtoms = new Int32Array(2 * dim);
  let k = 0;
  for (let a = 1; a < n; a++)
    for (let b = 0; b < a; b++) {
      rowPtr[k] = 2 * k;
      rowAtoms[2 * k] = a;
      rowAtoms[2 * k + 1] = b;
      k++;
    }
  rowPtr[dim] = 2 * dim;
  return { rowPtr, rowAtoms };
}

/** Fills the 1/r part (dim₀ = n(n−1)/2 rows, 2 Jacobian entries each) of x and grad. */
function computeInvDist(
  n: number,
  R: Float64Array,
  off: number,
  x: Float64Array,
  grad: Float64Array | null,
): void {
  let k = 0;
  for (let a = 1; a < n; a++) {
    const ax = R[off + 3 * a],
      ay = R[off + 3 * a + 1],
      az = R[off + 3 * a + 2];
    for (let b = 0; b < a; b++) {
      const dx = ax - R[off + 3 * b],
        dy = ay - R[off + 3 * b + 1],
        dz = az - R[off + 3 * b + 2];
      const r2 = dx * dx + dy * dy + dz * dz;
      const inv = 1 / Math.sqrt(r2);
      x[k] = inv;
      if (grad) {
        // ∂(1/r)/∂r_a = −(r_a − r_b)/r³, ∂/∂r_b = +(r_a − r_b)/r³
        const s = inv * inv * inv;
        const g = 6 * k;
        grad[g] = -dx * s;
        grad[g + 1] = -dy * s;
        grad[g + 2] = -dz * s;
        grad[g + 3] = dx * s;
        grad[g + 4] = dy * s;
        grad[g + 5] = dz * s;
      }
      k++;
    }
  }
}

function invDistPermIndex(n: number, perm: ArrayLike<number>): Int32Array {
  const dim = (n * (n - 1)) / 2;
  const m = new Int32Array(dim);
  let k = 0;
  for (let a = 1; a < n; a++) for (let b = 0; b < a; b++) m[k++] = trilIndex(perm[a], perm[b]);
  return m;
}

export class InvDistDescriptor implements Descriptor {
  readonly kind = 'inv' as const;
  readonly dim: number;
  readonly rowPtr: Int32Array;
  readonly rowAtoms: Int32Array;
  readonly nnz: number;
  constructor(readonly nAtoms: number) {
    this.dim = (nAtoms * (nAtoms - 1)) / 2;
    const s = invDistStructure(nAtoms);
    this.rowPtr = s.rowPtr;
    this.rowAtoms = s.rowAtoms;
    this.nnz = 2 * this.dim;
  }
  compute(R: Float64Array, off: number, x: Float64Array, grad: Float64Array | null): void {
    computeInvDist(this.nAtoms, R, off, x, grad);
  }
  permIndex(perm: ArrayLike<number>): Int32Array {
    return invDistPermIndex(this.nAtoms, perm);
  }
  toJSON(): DescriptorJSON {
    return { kind: 'inv', nAtoms: this.nAtoms };
  }
}

/** Extended descriptor "[1/r + ang]" of the paper. Angles (i, j, k): j is the vertex, i < k. Dihedrals (i, j, k, l): j < k. */
export class ExtendedDescriptor implements Descriptor {
  readonly kind = 'inv+ang' as const;
  readonly dim: number;
  readonly rowPtr: Int32Array;
  readonly rowAtoms: Int32Array;
  readonly nnz: number;
  private readonly nInv: number;
  private readonly angleKey = new Map<string, number>();
  private readonly dihedralKey = new Map<string, number>();

  constructor(
    readonly nAtoms: number,
    /** flat triples (i, j, k), j = vertex, i < k */
    readonly angles: Int32Array,
    /** flat quadruples (i, j, k, l), bond j–k central, j < k */
    readonly dihedrals: Int32Array,
  ) {
    this.nInv = (nAtoms * (nAtoms - 1)) / 2;
    const nAng = angles.length / 3,
      nDih = dihedrals.length / 4;
    this.dim = this.nInv + nAng + nDih;
    const base = invDistStructure(nAtoms);
    this.nnz = 2 * this.nInv + 3 * nAng + 4 * nDih;
    this.rowPtr = new Int32Array(this.dim + 1);
    this.rowAtoms = new Int32Array(this.nnz);
    this.rowPtr.set(base.rowPtr.subarray(0, this.nInv + 1));
    this.rowAtoms.set(base.rowAtoms);
    let e = 2 * this.nInv;
    for (let t = 0; t < nAng; t++) {
      this.rowPtr[this.nInv + t] = e;
      for (let q = 0; q < 3; q++) this.rowAtoms[e++] = angles[3 * t + q];
      this.angleKey.set(`${angles[3 * t]},${angles[3 * t + 1]},${angles[3 * t + 2]}`, t);
    }
    for (let t = 0; t < nDih; t++) {
      this.rowPtr[this.nInv + nAng + t] = e;
      for (let q = 0; q < 4; q++) this.rowAtoms[e++] = dihedrals[4 * t + q];
      const d = dihedrals.subarray(4 * t, 4 * t + 4);
      this.dihedralKey.set(`${d[0]},${d[1]},${d[2]},${d[3]}`, t);
    }
    this.rowPtr[this.dim] = e;
  }

  /** Builds the bonded angle and dihedral lists from the bonds of a reference geometry. */
  static fromGeometry(z: ArrayLike<number>, R0: ArrayLike<number>): ExtendedDescriptor {
    const n = z.length;
    const nb: number[][] = Array.from({ length: n }, () => []);
    const bonds = bondsFromGeometry(z, R0);
    for (const [a, b] of bonds) {
      nb[a].push(b);
      nb[b].push(a);
    }
    for (const l of nb) l.sort((p, q) => p - q);
    const ang: number[] = [];
    for (let j = 0; j < n; j++)
      for (let x = 0; x < nb[j].length; x++)
        for (let y = x + 1; y < nb[j].length; y++) ang.push(nb[j][x], j, nb[j][y]);
    const dih: number[] = [];
    for (const [j, k] of bonds)
      for (const i of nb[j]) {
        if (i === k) continue;
        for (const l of nb[k]) {
          if (l === j || l === i) continue;
          dih.push(i, j, k, l);
        }
      }
    return new ExtendedDescriptor(n, Int32Array.from(ang), Int32Array.from(dih));
  }

  compute(R: Float64Array, off: number, x: Float64Array, grad: Float64Array | null): void {
    computeInvDist(this.nAtoms, R, off, x, grad);
    const nAng = this.angles.length / 3;
    let k = this.nInv;
    let g = 6 * this.nInv;
    const A = this.angles;
    for (let t = 0; t < nAng; t++, k++, g += 9) {
      const i = off + 3 * A[3 * t],
        j = off + 3 * A[3 * t + 1],
        l = off + 3 * A[3 * t + 2];
      const ax = R[i] - R[j],
        ay = R[i + 1] - R[j + 1],
        az = R[i + 2] - R[j + 2];
      const bx = R[l] - R[j],
        by = R[l + 1] - R[j + 1],
        bz = R[l + 2] - R[j + 2];
      const la = Math.sqrt(ax * ax + ay * ay + az * az),
        lb = Math.sqrt(bx * bx + by * by + bz * bz);
      const cx = ay * bz - az * by,
        cy = az * bx - ax * bz,
        cz = ax * by - ay * bx;
      const sinN = Math.sqrt(cx * cx + cy * cy + cz * cz);
      const cosN = ax * bx + ay * by + az * bz;
      const theta = Math.atan2(sinN, cosN);
      const em = Math.exp(-theta);
      x[k] = (1 - em) * (1 - em) - 1;
      if (grad) {
        const dD = 2 * (1 - em) * em; // dD/dΘ
        const cos = Math.cos(theta),
          sin = Math.max(Math.sin(theta), 1e-8);
        // dΘ/dr_i = (cosΘ â − b̂)/(|a| sinΘ), dΘ/dr_k = (cosΘ b̂ − â)/(|b| sinΘ), vertex = −(sum)
        const fa = dD / (la * sin),
          fb = dD / (lb * sin);
        const gix = fa * ((cos * ax) / la - bx / lb),
          giy = fa * ((cos * ay) / la - by / lb),
          giz = fa * ((cos * az) / la - bz / lb);
        const gkx = fb * ((cos * bx) / lb - ax / la),
          gky = fb * ((cos * by) / lb - ay / la),
          gkz = fb * ((cos * bz) / lb - az / la);
        grad[g] = gix;
        grad[g + 1] = giy;
        grad[g + 2] = giz;
        grad[g + 3] = -gix - gkx;
        grad[g + 4] = -giy - gky;
        grad[g + 5] = -giz - gkz;
        grad[g + 6] = gkx;
        grad[g + 7] = gky;
        grad[g + 8] = gkz;
      }
    }
    const D = this.dihedrals;
    const nDih = D.length / 4;
    for (let t = 0; t < nDih; t++, k++, g += 12) {
      const p0 = off + 3 * D[4 * t],
        p1 = off + 3 * D[4 * t + 1],
        p2 = off + 3 * D[4 * t + 2],
        p3 = off + 3 * D[4 * t + 3];
      // b1 = r_j − r_i, b2 = r_k − r_j, b3 = r_l − r_k; n1 = b1×b2, n2 = b2×b3; cosΦ = n1·n2/(|n1||n2|)
      const b1x = R[p1] - R[p0],
        b1y = R[p1 + 1] - R[p0 + 1],
        b1z = R[p1 + 2] - R[p0 + 2];
      const b2x = R[p2] - R[p1],
        b2y = R[p2 + 1] - R[p1 + 1],
        b2z = R[p2 + 2] - R[p1 + 2];
      const b3x = R[p3] - R[p2],
        b3y = R[p3 + 1] - R[p2 + 1],
        b3z = R[p3 + 2] - R[p2 + 2];
      const n1x = b1y * b2z - b1z * b2y,
        n1y = b1z * b2x - b1x * b2z,
        n1z = b1x * b2y - b1y * b2x;
      const n2x = b2y * b3z - b2z * b3y,
        n2y = b2z * b3x - b2x * b3z,
        n2z = b2x * b3y - b2y * b3x;
      const q1 = Math.max(n1x * n1x + n1y * n1y + n1z * n1z, 1e-300),
        q2 = Math.max(n2x * n2x + n2y * n2y + n2z * n2z, 1e-300);
      const inv12 = 1 / Math.sqrt(q1 * q2);
      const cos = (n1x * n2x + n1y * n2y + n1z * n2z) * inv12;
      x[k] = 1 + cos;
      if (grad) {
        // ∂cos/∂n1 = u, ∂cos/∂n2 = w
        const ux = n2x * inv12 - (cos * n1x) / q1,
          uy = n2y * inv12 - (cos * n1y) / q1,
          uz = n2z * inv12 - (cos * n1z) / q1;
        const wx = n1x * inv12 - (cos * n2x) / q2,
          wy = n1y * inv12 - (cos * n2y) / q2,
          wz = n1z * inv12 - (cos * n2z) / q2;
        // ∂/∂b1 = b2×u; ∂/∂b2 = u×b1 + b3×w; ∂/∂b3 = w×b2
        const g1x = b2y * uz - b2z * uy,
          g1y = b2z * ux - b2x * uz,
          g1z = b2x * uy - b2y * ux;
        const g2x = uy * b1z - uz * b1y + (b3y * wz - b3z * wy),
          g2y = uz * b1x - ux * b1z + (b3z * wx - b3x * wz),
          g2z = ux * b1y - uy * b1x + (b3x * wy - b3y * wx);
        const g3x = wy * b2z - wz * b2y,
          g3y = wz * b2x - wx * b2z,
          g3z = wx * b2y - wy * b2x;
        grad[g] = -g1x;
        grad[g + 1] = -g1y;
        grad[g + 2] = -g1z;
        grad[g + 3] = g1x - g2x;
        grad[g + 4] = g1y - g2y;
        grad[g + 5] = g1z - g2z;
        grad[g + 6] = g2x - g3x;
        grad[g + 7] = g2y - g3y;
        grad[g + 8] = g2z - g3z;
        grad[g + 9] = g3x;
        grad[g + 10] = g3y;
        grad[g + 11] = g3z;
      }
    }
  }

  permIndex(perm: ArrayLike<number>): Int32Array | null {
    const m = new Int32Array(this.dim);
    m.set(invDistPermIndex(this.nAtoms, perm));
    const nAng = this.angles.length / 3;
    const A = this.angles;
    for (let t = 0; t < nAng; t++) {
      let i = perm[A[3 * t]],
        k = perm[A[3 * t + 2]];
      const j = perm[A[3 * t + 1]];
      if (i > k) [i, k] = [k, i];
      const idx = this.angleKey.get(`${i},${j},${k}`);
      if (idx === undefined) return null;
      m[this.nInv + t] = this.nInv + idx;
    }
    const D = this.dihedrals;
    for (let t = 0; t < D.length / 4; t++) {
      let q = [perm[D[4 * t]], perm[D[4 * t + 1]], perm[D[4 * t + 2]], perm[D[4 * t + 3]]];
      if (q[1] > q[2]) q = q.reverse();
      const idx = this.dihedralKey.get(q.join(','));
      if (idx === undefined) return null;
      m[this.nInv + nAng + t] = this.nInv + nAng + idx;
    }
    return m;
  }

  toJSON(): DescriptorJSON {
    return {
      kind: 'inv+ang',
      nAtoms: this.nAtoms,
      angles: Array.from(this.angles),
      dihedrals: Array.from(this.dihedrals),
    };
  }
}

export function descriptorFromJSON(j: DescriptorJSON): Descriptor {
  if (j.kind === 'inv') return new InvDistDescriptor(j.nAtoms);
  return new ExtendedDescriptor(
    j.nAtoms,
    Int32Array.from(j.angles ?? []),
    Int32Array.from(j.dihedrals ?? []),
  );
}
