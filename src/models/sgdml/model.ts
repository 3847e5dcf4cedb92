/**
 * A trained sGDML model: prediction of energies and forces (float64), our compact JSON format, and the
 * reference `sgdml` model `.npz` (keys in design/FORMATS.md).
 *
 * Prediction (as the reference's `GDMLPredict`): for a query x with Jacobian J,
 *   E = std · Σ_{j,p} h(‖d‖)(d · a_jp) + c,     F = std · Jᵀ Σ_{j,p} [c1 (d · a_jp) d − h a_jp],
 * d = x − P_p x_j, a_j = `R_d_desc_alpha[j]` = J_j α_j (see kernel.ts). F = −∇E holds exactly.
 */
import type { ForceField, Prediction, SerializedModel } from '../types';
import { computeDescSet, descForceEnergy, jacTVecAdd, permuteRows } from './kernel';
import { descriptorFromJSON, InvDistDescriptor, type Descriptor, type DescriptorJSON } from './descriptor';
import { readNpz, writeNpz } from '../../data/io/npz';
import { npy, npyToFloat64, npyToInt32, npyToNumber, npyToString, type NpyArray } from '../../data/io/npy';

export interface SgdmlModelData {
  z: Int32Array;
  descriptor: Descriptor;
  sigma: number;
  lambda: number;
  /** energy offset c (kcal/mol) */
  c: number;
  /** force scale std (kcal/mol/Å) */
  std: number;
  /** P × N atom permutations (identity first) */
  perms: Int32Array;
  /** M × dim training descriptors */
  Xtrain: Float64Array;
  /** M × dim descriptor-space coefficients J_j α_j ("R_d_desc_alpha") */
  Atrain: Float64Array;
  /** Cartesian coefficients α (M × 3N), optional */
  alphas?: Float64Array;
  idxsTrain?: Int32Array;
  idxsValid?: Int32Array;
  solver?: string;
  /** free-form info (σ grid results, timings, dataset name …) */
  info?: Record<string, unknown>;
}

export class SgdmlModel implements ForceField {
  readonly kind = 'sgdml' as const;
  readonly M: number;
  readonly maps: Int32Array[];
  private XP: Float64Array;
  private AP: Float64Array;

  constructor(readonly data: SgdmlModelData) {
    const { descriptor: desc, perms } = data;
    const N = data.z.length;
    if (desc.nAtoms !== N) throw new Error(`sGDML model: descriptor is for ${desc.nAtoms} atoms, z has ${N}`);
    this.M = data.Xtrain.length / desc.dim;
    if (!Number.isInteger(this.M) || data.Atrain.length !== data.Xtrain.length)
      throw new Error('sGDML model: inconsistent array sizes');
    const maps: Int32Array[] = [];
    for (let p = 0; p < perms.length / N; p++) {
      const m = desc.permIndex(perms.subarray(p * N, (p + 1) * N));
      if (!m) throw new Error(`sGDML model: permutation ${p} is not a symmetry of the descriptor`);
      maps.push(m);
    }
    this.maps = maps;
    this.XP = permuteRows(data.Xtrain, this.M, desc.dim, maps);
    this.AP = permuteRows(data.Atrain, this.M, desc.dim, maps);
  }

  get z(): Int32Array {
    return this.data.z;
  }
  get nPerms(): number {
    return this.maps.length;
  }

  predict(R: Float64Array, nConf: number): Prediction {
    const desc = this.data.descriptor;
    const dim = desc.dim,
      n3 = 3 * desc.nAtoms,
      g3 = 3 * desc.nnz;
    const E = new Float64Array(nConf);
    const F = new Float64Array(nConf * n3);
    const x = new Float64Array(dim),
      G = new Float64Array(g3),
      fx = new Float64Array(dim);
    const rows = this.M * this.maps.length;
    const { std, c, sigma } = this.data;
    for (let m = 0; m < nConf; m++) {
      desc.compute(R, m * n3, x, G);
      const e = descForceEnergy(x, 0, this.XP, this.AP, 0, rows, dim, sigma, fx);
      E[m] = std * e + c;
      jacTVecAdd(desc, G, 0, fx, 0, std, F, m * n3);
    }
    return { E, F };
  }

  /** Energies without the constant c and unscaled (helper for fitting c). */
  rawEnergies(R: Float64Array, nConf: number): Float64Array {
    const { std, c } = this.data;
    return this.predict(R, nConf).E.map((e) => (e - c) / std);
  }

  serialize(): SerializedModel {
    const d = this.data;
    return {
      kind: 'sgdml',
      version: 1,
      payload: {
        z: Array.from(d.z),
        descriptor: d.descriptor.toJSON(),
        sigma: d.sigma,
        lambda: d.lambda,
        c: d.c,
        std: d.std,
        perms: Array.from(d.perms),
        Xtrain: f64ToBase64(d.Xtrain),
        Atrain: f64ToBase64(d.Atrain),
        idxsTrain: d.idxsTrain ? Array.from(d.idxsTrain) : undefined,
        idxsValid: d.idxsValid ? Array.from(d.idxsValid) : undefined,
        solver: d.solver,
        info: d.info,
      },
    };
  }

  static deserialize(s: SerializedModel): SgdmlModel {
    if (s.kind !== 'sgdml') throw new Error(`not an sGDML model (kind ${s.kind})`);
    if (s.version !== 1) throw new Error(`sGDML model version ${s.version} is not supported`);
    const p = s.payload as Record<string, unknown>;
    return new SgdmlModel({
      z: Int32Array.from(p.z as number[]),
      descriptor: descriptorFromJSON(p.descriptor as DescriptorJSON),
      sigma: p.sigma as number,
      lambda: p.lambda as number,
      c: p.c as number,
      std: p.std as number,
      perms: Int32Array.from(p.perms as number[]),
      Xtrain: base64ToF64(p.Xtrain as string),
      Atrain: base64ToF64(p.Atrain as string),
      idxsTrain: p.idxsTrain ? Int32Array.from(p.idxsTrain as number[]) : undefined,
      idxsValid: p.idxsValid ? Int32Array.from(p.idxsValid as number[]) : undefined,
      solver: p.solver as string | undefined,
      info: p.info as Record<string, unknown> | undefined,
    });
  }

  /**
   * Reads a reference `sgdml` model `.npz`. Needs `z`, `sig`, `c`, `std`, `perms`, `R_desc` (dim × M),
   * `R_d_desc_alpha` (M × dim); pickled members (`e_err`, `f_err`) are skipped with a warning.
   */
  static fromNpz(bytes: Uint8Array, source = 'model.npz'): { model: SgdmlModel; warnings: string[] } {
    const { arrays, warnings } = readNpz(bytes, { source });
    const need = ['z', 'sig', 'c', 'std', 'R_desc', 'R_d_desc_alpha'];
    for (const k of need) if (!arrays[k]) throw new Error(`${source}: not an sGDML model (missing '${k}')`);
    if (arrays.type && npyToString(arrays.type) !== 'm')
      throw new Error(`${source}: 'type' is '${npyToString(arrays.type)}', expected 'm' (model)`);
    const z = npyToInt32(arrays.z, 'z');
    const N = z.length;
    const desc = new InvDistDescriptor(N);
    const dim = desc.dim;
    const rd = arrays.R_desc;
    if (rd.shape.length !== 2 || rd.shape[0] !== dim)
      throw new Error(`${source}: R_desc has shape (${rd.shape}), expected (${dim}, M)`);
    const M = rd.shape[1];
    const RdT = npyToFloat64(rd, 'R_desc');
    const X = new Float64Array(M * dim);
    for (let k = 0; k < dim; k++) for (let j = 0; j < M; j++) X[j * dim + k] = RdT[k * M + j];
    const A = Float64Array.from(npyToFloat64(arrays.R_d_desc_alpha, 'R_d_desc_alpha'));
    if (A.length !== M * dim)
      throw new Error(`${source}: R_d_desc_alpha has ${A.length} values, expected ${M * dim}`);
    const perms = arrays.perms
      ? npyToInt32(arrays.perms, 'perms')
      : Int32Array.from({ length: N }, (_, i) => i);
    const opt = (k: string) => (arrays[k] ? npyToInt32(arrays[k], k) : undefined);
    const model = new SgdmlModel({
      z,
      descriptor: desc,
      sigma: npyToNumber(arrays.sig, 'sig'),
      lambda: arrays.lam ? npyToNumber(arrays.lam, 'lam') : 1e-10,
      c: npyToNumber(arrays.c, 'c'),
      std: npyToNumber(arrays.std, 'std'),
      perms,
      Xtrain: X,
      Atrain: A,
      alphas: arrays.alphas_F ? Float64Array.from(npyToFloat64(arrays.alphas_F, 'alphas_F')) : undefined,
      idxsTrain: opt('idxs_train'),
      idxsValid: opt('idxs_valid'),
      solver: arrays.solver_name ? npyToString(arrays.solver_name) : undefined,
    });
    return { model, warnings };
  }

  /** Writes the reference `sgdml` model `.npz` (only for the inverse-distance descriptor). */
  toNpz(): Uint8Array {
    const d = this.data;
    if (d.descriptor.kind !== 'inv')
      throw new Error('the reference sGDML .npz format holds only the 1/r descriptor; use our JSON format');
    const dim = d.descriptor.dim,
      M = this.M,
      N = d.z.length;
    const RdT = new Float64Array(dim * M);
    for (let j = 0; j < M; j++) for (let k = 0; k < dim; k++) RdT[k * M + j] = d.Xtrain[j * dim + k];
    const P = this.maps.length;
    // tril_perms_lin as the reference builds it: (tril_perms + offsets).flatten('F')
    const tpl = new Array<number>(P * dim);
    for (let k = 0; k < dim; k++) for (let p = 0; p < P; p++) tpl[k * P + p] = this.maps[p][k] + p * dim;
    const arrays: Record<string, NpyArray> = {
      type: npy.str('m'),
      code_version: npy.str('1.0.3'),
      z: npy.i8(d.z),
      sig: npy.scalar(d.sigma),
      lam: npy.scalar(d.lambda),
      c: npy.scalar(d.c),
      std: npy.scalar(d.std),
      perms: npy.i8(d.perms, [P, N]),
      tril_perms_lin: npy.i8(tpl),
      R_desc: npy.f8(RdT, [dim, M]),
      R_d_desc_alpha: npy.f8(d.Atrain, [M, dim]),
      use_E: npy.bool(true),
      solver_name: npy.str(d.solver ?? 'analytic'),
      r_unit: npy.str('Ang'),
      e_unit: npy.str('kcal/mol'),
    };
    if (d.alphas) arrays.alphas_F = npy.f8(d.alphas);
    if (d.idxsTrain) arrays.idxs_train = npy.i8(d.idxsTrain);
    if (d.idxsValid) arrays.idxs_valid = npy.i8(d.idxsValid);
    return writeNpz(arrays);
  }
}

/** Reads a model file of either format (by content: zip → reference npz, else our JSON). */
export function loadSgdmlModel(
  bytes: Uint8Array,
  source = 'model',
): { model: SgdmlModel; warnings: string[] } {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return SgdmlModel.fromNpz(bytes, source);
  const s = JSON.parse(new TextDecoder().decode(bytes)) as SerializedModel;
  return { model: SgdmlModel.deserialize(s), warnings: [] };
}

// base64 of little-endian float64 bytes (works in Node and browsers)
export function f64ToBase64(a: Float64Array): string {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  const CH = 0x8000;
  for (let i = 0; i < b.length; i += CH) s += String.fromCharCode(...b.subarray(i, i + CH));
  return btoa(s);
}

export function base64ToF64(s: string): Float64Array {
  const bin = atob(s);
  const b = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
  return new Float64Array(b.buffer);
}

export { computeDescSet };
