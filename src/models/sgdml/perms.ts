/**
 * Permutation (symmetry) detection for symmetric GDML, following the reference `sgdml` package:
 *
 * 1. Matching: for every pair of training geometries (i, j), match atoms by the magnitudes of the
 *    eigenvectors of their distance matrices (eigenvalues sorted in descending order):
 *    cost[a][b] = −Σ_k |v_i[a,k]| |v_j[b,k]|, plus a penalty max|cost| whenever z_a ≠ z_b so elements never
 *    mix, solved by the Hungarian algorithm. The assignment is kept if it makes the distance matrices closer
 *    (‖D_i[p,p] − D_j‖ < ‖D_i − D_j‖ and not equal within round-off).
 * 2. Synchronisation: a minimum spanning tree over the matching costs; the permutations on its edges are the
 *    candidates (plus the identity), made unique.
 * 3. Group closure: products of permutations are added until the set is closed (at most `maxPerms`; past the
 *    cap the set found so far, closed under inverses, is kept with a warning).
 *
 * A permutation p means "geometry with atoms relabelled, R′[a] = R[p[a]]".
 */
import { symEig } from '../../compute/linalg';

/** Hungarian algorithm (shortest augmenting paths with potentials), square n×n cost, row-major. Returns col of each row. */
export function hungarian(cost: Float64Array, n: number): Int32Array {
  const INF = Infinity;
  const u = new Float64Array(n + 1),
    v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[col] = row matched (1-based), 0 = none
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = INF,
        j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const ans = new Int32Array(n);
  for (let j = 1; j <= n; j++) ans[p[j] - 1] = j - 1;
  return ans;
}

function distMatrix(R: Float64Array, off: number, n: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < a; b++) {
      const dx = R[off + 3 * a] - R[off + 3 * b],
        dy = R[off + 3 * a + 1] - R[off + 3 * b + 1],
        dz = R[off + 3 * a + 2] - R[off + 3 * b + 2];
      D[a * n + b] = D[b * n + a] = Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  return D;
}

export interface PermResult {
  /** P × N, identity first */
  perms: Int32Array;
  nPerms: number;
  warnings: string[];
}

export interface FindPermsOptions {
  maxPerms?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** Detects the permutation group from a set of geometries R (M × N × 3, flat). */
export function findPerms(
  R: Float64Array,
  M: number,
  z: Int32Array,
  opts: FindPermsOptions = {},
): PermResult {
  const n = z.length;
  const maxPerms = opts.maxPerms ?? 100;
  const warnings: string[] = [];
  // eigenvector magnitudes of each distance matrix, columns sorted by descending eigenvalue
  const absV: Float64Array[] = [];
  const Ds: Float64Array[] = [];
  for (let m = 0; m < M; m++) {
    const D = distMatrix(R, m * 3 * n, n);
    Ds.push(D);
    const { w, v } = symEig(D, n);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => w[b] - w[a]);
    const V = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let k = 0; k < n; k++) V[a * n + k] = Math.abs(v[a * n + order[k]]);
    absV.push(V);
  }
  const matchCost = new Float64Array(M * M);
  const matchPerm = new Map<number, Int32Array>();
  const cost = new Float64Array(n * n);
  for (let i = 0; i < M; i++) {
    if (opts.signal?.aborted) throw new Error('aborted');
    for (let j = i + 1; j < M; j++) {
      const Vi = absV[i],
        Vj = absV[j];
      let mx = 0;
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += Vi[a * n + k] * Vj[b * n + k];
          cost[a * n + b] = -s;
          mx = Math.max(mx, s);
        }
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (z[a] !== z[b]) cost[a * n + b] += mx;
      const perm = hungarian(cost, n);
      const Di = Ds[i],
        Dj = Ds[j];
      let before = 0,
        after = 0;
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          const t = Di[a * n + b] - Dj[a * n + b];
          before += t * t;
          const s = Di[perm[a] * n + perm[b]] - Dj[a * n + b];
          after += s * s;
        }
      before = Math.sqrt(before);
      after = Math.sqrt(after);
      if (after >= before) matchCost[i * M + j] = before;
      else {
        matchCost[i * M + j] = after;
        if (!(Math.abs(before - after) <= 1e-8 + 1e-5 * Math.abs(after))) matchPerm.set(i * M + j, perm);
      }
    }
    opts.onProgress?.((i + 1) / M);
  }
  // minimum spanning tree (Prim) on the symmetric match-cost graph
  const inTree = new Uint8Array(M);
  const best = new Float64Array(M).fill(Infinity);
  const parent = new Int32Array(M).fill(-1);
  best[0] = 0;
  const found: Int32Array[] = [Int32Array.from({ length: n }, (_, a) => a)];
  for (let it = 0; it < M; it++) {
    let u = -1;
    for (let k = 0; k < M; k++) if (!inTree[k] && (u < 0 || best[k] < best[u])) u = k;
    inTree[u] = 1;
    if (parent[u] >= 0) {
      const a = Math.min(u, parent[u]),
        b = Math.max(u, parent[u]);
      const p = matchPerm.get(a * M + b);
      if (p) found.push(p);
    }
    for (let k = 0; k < M; k++) {
      if (inTree[k]) continue;
      const c = matchCost[Math.min(u, k) * M + Math.max(u, k)];
      if (c < best[k]) {
        best[k] = c;
        parent[k] = u;
      }
    }
  }
  let perms = uniquePerms(found);
  const closed = completeGroup(perms, maxPerms);
  if (closed) perms = closed;
  else {
    warnings.push(
      `permutation group exceeds ${maxPerms} elements; keeping the ${perms.length} synchronised permutations and their inverses`,
    );
    perms = uniquePerms([...perms, ...perms.map(invertPerm)]);
  }
  const flat = new Int32Array(perms.length * n);
  perms.forEach((p, i) => flat.set(p, i * n));
  return { perms: flat, nPerms: perms.length, warnings };
}

export function invertPerm(p: Int32Array): Int32Array {
  const q = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) q[p[i]] = i;
  return q;
}

function uniquePerms(ps: Int32Array[]): Int32Array[] {
  const seen = new Set<string>();
  const out: Int32Array[] = [];
  for (const p of ps) {
    const k = p.join(',');
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  // identity first, the rest in lexicographic order (as np.unique would sort them)
  return out.sort((a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
}

/** Closes a set of permutations under composition; null if the group grows beyond maxPerms. */
export function completeGroup(perms: Int32Array[], maxPerms: number): Int32Array[] | null {
  const list = perms.slice();
  const seen = new Set(list.map((p) => p.join(',')));
  let added = true;
  while (added) {
    added = false;
    const m = list.length;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        const a = list[i],
          b = list[j];
        const c = new Int32Array(a.length);
        for (let k = 0; k < a.length; k++) c[k] = a[b[k]];
        const key = c.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          list.push(c);
          added = true;
          if (list.length > maxPerms) return null;
        }
      }
  }
  return uniquePerms(list);
}

/** Identity permutation only (plain GDML). */
export function identityPerms(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, a) => a);
}
