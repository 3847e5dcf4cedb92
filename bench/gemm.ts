/**
 * `npm run bench -- gemm [--sizes 200,500,1000] [--dataset FILE] [--reps 3]`: the float64 matrix
 * products of the sGDML CG operator, JavaScript loops against the WebAssembly SIMD kernel
 * (src/compute/wasmGemm.ts), at the operator's shapes for M training frames of the dataset
 * (azobenzene rotation by default: 24 atoms, descriptor dimension 276, 4 permutations):
 *   Q  = X·W′ᵀ          (M × MP × dim)
 *   Fx = [G | H]·[X′; W′] (M × dim × 2MP)
 * one whole operator product y = (−K + λI)·v (`sgdmlOperatorF64`), and the Nyström preconditioner's
 * two passes per CG iteration over its Zᵀ (kc × 3N·M, kc = 20 frames · 3N; src/compute/wasmMatVec.ts):
 * t = Zᵀ·r and z −= Z·t, in JavaScript and in WebAssembly SIMD, and with Zᵀ stored in float32 (what
 * training uses from the 20th session). Reports the median time of `reps` runs,
 * GFLOP/s (GB/s of Zᵀ read for the passes), and whether each kernel's result equals the loop's bit for bit.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from '../scripts/cli/args.ts';
import { gemmNNRows, gemmNTRows, gemmNTRowsJs } from '../src/compute/linalg.ts';
import { wasmGemmKernel } from '../src/compute/wasmGemm.ts';
import { jsRowMatrix, rowMatrix } from '../src/compute/wasmMatVec.ts';
import { readDatasetFile } from '../src/data/io/index.ts';
import { InvDistDescriptor } from '../src/models/sgdml/descriptor.ts';
import { computeDescSet } from '../src/models/sgdml/kernel.ts';
import { findPerms } from '../src/models/sgdml/perms.ts';
import { sgdmlOperatorF64 } from '../src/models/sgdml/train.ts';

const DEFAULT_DATASET = new URL('../public/data/azobenzene-rotation.npz', import.meta.url).pathname;

function medianMs(reps: number, f: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

function filled(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  });
}

const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => v === b[i]);

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const sizes = (typeof a.sizes === 'string' ? a.sizes : '200,500,1000').split(',').map(Number);
  const reps = Number(a.reps ?? 3);
  const file = typeof a.dataset === 'string' ? a.dataset : DEFAULT_DATASET;
  const ds = readDatasetFile(file, readFileSync(file)).dataset;
  const desc = new InvDistDescriptor(ds.nAtoms);
  const dim = desc.dim;
  console.log(
    `WebAssembly SIMD kernel: ${wasmGemmKernel() ? 'available' : 'NOT available (both columns run the JS loop)'}`,
  );
  const rows: Record<string, unknown>[] = [];
  for (const M of sizes) {
    // M frames spread evenly over the dataset (as a stratified training set would be)
    const n3 = 3 * ds.nAtoms;
    const m = Math.min(M, ds.nFrames);
    const R = new Float64Array(m * n3);
    for (let i = 0; i < m; i++) {
      const f = Math.floor((i * ds.nFrames) / m);
      R.set(ds.R.subarray(f * n3, (f + 1) * n3), i * n3);
    }
    const S = computeDescSet(desc, R, m, true);
    const { perms } = findPerms(R, m, ds.z);
    const maps = Array.from({ length: perms.length / ds.nAtoms }, (_, p) =>
      desc.permIndex(perms.subarray(p * ds.nAtoms, (p + 1) * ds.nAtoms)),
    ).filter((x): x is Int32Array => !!x);
    const MP = S.M * maps.length;
    // Q = X·W′ᵀ
    const W = filled(MP * dim, 3);
    const qJs = new Float64Array(S.M * MP);
    const qWasm = new Float64Array(S.M * MP);
    const tQjs = medianMs(reps, () => gemmNTRowsJs(S.X, W, S.M, MP, dim, qJs));
    const tQwasm = medianMs(reps, () => gemmNTRows(S.X, W, S.M, MP, dim, qWasm));
    // Fx = [G | H]·[X′; W′]
    const GH = filled(S.M * 2 * MP, 5);
    const XW = filled(2 * MP * dim, 7);
    const XWt = new Float64Array(dim * 2 * MP);
    for (let q = 0; q < 2 * MP; q++) for (let k = 0; k < dim; k++) XWt[k * 2 * MP + q] = XW[q * dim + k];
    const fJs = new Float64Array(S.M * dim);
    const fWasm = new Float64Array(S.M * dim);
    const tFjs = medianMs(reps, () => gemmNTRowsJs(GH, XWt, S.M, dim, 2 * MP, fJs));
    const tFwasm = medianMs(reps, () => gemmNNRows(GH, XW, S.M, dim, 2 * MP, fWasm));
    // a whole operator product
    const op = sgdmlOperatorF64(desc, S, maps, 30, 1e-10);
    const v = filled(S.M * 3 * ds.nAtoms, 11);
    const y = new Float64Array(v.length);
    const tOp = medianMs(reps, () => op(v, y));
    // the preconditioner's two passes over Zᵀ (kc × n)
    const n = S.M * n3,
      kc = Math.min(20, S.M) * n3;
    const zJs = jsRowMatrix(kc, n),
      zWasm = rowMatrix(kc, n);
    zJs.data.set(filled(kc * n, 13));
    zWasm.data.set(zJs.data);
    const z32 = rowMatrix(kc, n, 'f32');
    z32.data.set(zJs.data);
    const r = filled(n, 17);
    const tJs = new Float64Array(kc),
      tWasm = new Float64Array(kc);
    const outJs = new Float64Array(n),
      outWasm = new Float64Array(n);
    const pass = (z: typeof zJs, t: Float64Array, out: Float64Array) => () => {
      z.matVec(r, t);
      out.set(r);
      z.subTransMatVec(t, out);
    };
    const tPjs = medianMs(reps, pass(zJs, tJs, outJs));
    const tPwasm = medianMs(reps, pass(zWasm, tWasm, outWasm));
    const tP32 = medianMs(reps, pass(z32, new Float64Array(kc), new Float64Array(n)));
    const gbRead = (2 * kc * n * 8) / 1e9;
    const gflop = (2 * S.M * MP * dim) / 1e9;
    rows.push({
      M: S.M,
      perms: maps.length,
      qJsMs: +tQjs.toFixed(1),
      qWasmMs: +tQwasm.toFixed(1),
      fxJsMs: +tFjs.toFixed(1),
      fxWasmMs: +tFwasm.toFixed(1),
      jsGflops: +((3 * gflop * 1e3) / (tQjs + tFjs)).toFixed(2),
      wasmGflops: +((3 * gflop * 1e3) / (tQwasm + tFwasm)).toFixed(2),
      bitIdentical: same(qJs, qWasm) && same(fJs, fWasm) && same(tJs, tWasm) && same(outJs, outWasm),
      operatorMs: +tOp.toFixed(1),
      precondJsMs: +tPjs.toFixed(1),
      precondWasmMs: +tPwasm.toFixed(1),
      precondWasmGBs: +((gbRead * 1e3) / tPwasm).toFixed(1),
      precondF32Ms: +tP32.toFixed(1),
    });
  }
  const head = [
    'M',
    'perms',
    'Q js ms',
    'Q wasm ms',
    'Fx js ms',
    'Fx wasm ms',
    'js GFLOP/s',
    'wasm GFLOP/s',
    'identical',
    'operator ms',
    'precond js ms',
    'precond wasm ms',
    'precond wasm GB/s',
    'precond f32 ms',
  ];
  const lines = rows.map((r) => Object.values(r).map(String));
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => '| ' + l.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  console.log(
    [fmt(head), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...lines.map(fmt)].join('\n'),
  );
  console.log(JSON.stringify({ bench: 'gemm', dataset: file, reps, rows }));
  return rows.every((r) => r.bitIdentical) ? 0 : 1;
}
