/**
 * tfjs backend selection for workers, the page and Node.
 *
 * `initBackend` tries webgpu → webgl → wasm → cpu (or only the `preferred` one) and accepts a backend
 * only after a tiny numeric self-check against float64 references: a small matmul, a first-order
 * gradient of sum(tanh(A·W)) against its analytic form, and a second-order gradient (the gradient of
 * a gradient, which is what force training needs) of sum(exp(x)·tanh(x)) against its analytic form.
 * The tfjs fixes of ./tfjs-fixes are applied first, so the second-order check tests the fixed tfjs.
 *
 * No Vite-specific imports here: the worker shell imports the `.wasm` files with `?url` and passes
 * them as `wasmPaths`; Node passes file paths (see ./tfjs-node).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { applyTfjsFixes } from './tfjs-fixes';
import { wasmKernelStates, type WasmKernelState } from './wasmKernels';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why the backend was rejected (not available, failed to initialise, failed the self-check). */
  reason?: string;
}

export interface BackendInfo {
  /** The backend now active in tfjs. */
  backend: BackendName;
  /** GPU adapter / renderer string (WebGL UNMASKED_RENDERER, WebGPU adapter), or 'wasm simd', 'cpu'. */
  adapter: string;
  /** Every backend tried, in order, with the reason for each rejection. */
  tried: BackendAttempt[];
  /** The project's own WebAssembly kernels, and whether each runs under this backend. */
  kernels: WasmKernelState[];
}

export interface InitBackendOptions {
  /** Use only this backend (and fail clearly if it does not work). */
  preferred?: BackendName;
  /** Where the tfjs-backend-wasm binaries are: a prefix ending in '/' or a map file name → URL/path. */
  wasmPaths?: Record<string, string> | string;
}

let wasmPathsSet = false;

/** Deterministic numbers in [-1, 1) (LCG), so the self-check does not depend on Math.random. */
function lcg(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) return Infinity;
  let e = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]) / Math.max(1, Math.abs(ref[i]));
    e = Math.max(e, Number.isFinite(d) ? d : Infinity);
  }
  return e;
}

/**
 * Numeric self-check of the active backend. Returns null when it passes, otherwise a message.
 * Tolerance 2e-3 relative (covers WebGL devices with reduced-precision float32 shaders).
 */
export async function backendSelfCheck(): Promise<string | null> {
  const [m, k, n] = [4, 6, 3];
  const a = lcg(m * k, 11);
  const b = lcg(k * n, 12);
  const prodRef = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      prodRef[i * n + j] = s;
    }
  // d/dW sum(tanh(A·W)) = Aᵀ·(1 − tanh²(A·W))
  const gradRef = new Float64Array(k * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      const d = 1 - Math.tanh(prodRef[i * n + j]) ** 2;
      for (let p = 0; p < k; p++) gradRef[p * n + j] += a[i * k + p] * d;
    }
  // f(x) = exp(x)·tanh(x); f' = eˣ(t + 1 − t²); f'' = eˣ(t + 2(1 − t²) − 2t(1 − t²)).
  const x = lcg(5, 13);
  const secondRef = Array.from(x, (v) => {
    const t = Math.tanh(v);
    const s = 1 - t * t;
    return Math.exp(v) * (t + 2 * s - 2 * t * s);
  });
  const tensors: tf.Tensor[] = [];
  try {
    const A = tf.tensor2d(Float32Array.from(a), [m, k]);
    const B = tf.tensor2d(Float32Array.from(b), [k, n]);
    const X = tf.tensor1d(Float32Array.from(x));
    tensors.push(A, B, X);
    const prod = tf.matMul(A, B);
    tensors.push(prod);
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(A, w))))(B);
    tensors.push(g);
    const first = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.exp(v), tf.tanh(v))));
    const g2 = tf.grad((v: tf.Tensor) => tf.sum(first(v)))(X);
    tensors.push(g2);
    const errs: [string, number][] = [
      ['matmul', maxRelErr(await prod.data(), prodRef)],
      ['gradient', maxRelErr(await g.data(), gradRef)],
      ['second-order gradient', maxRelErr(await g2.data(), secondRef)],
    ];
    const bad = errs.filter(([, e]) => !(e < 2e-3));
    return bad.length === 0
      ? null
      : `self-check failed: ${bad.map(([name, e]) => `${name} error ${e.toPrecision(3)}`).join(', ')}`;
  } catch (e) {
    return `self-check threw: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** A human-readable adapter/renderer string for the active backend. */
async function describeAdapter(name: BackendName): Promise<string> {
  try {
    if (name === 'webgl') {
      const b = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
      const gl = b.gpgpu?.gl;
      if (!gl) return 'webgl';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const r = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
      return String(r);
    }
    if (name === 'webgpu') {
      const b = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } };
      const info = b.adapterInfo;
      const s = [info?.vendor, info?.architecture].filter((v) => v).join(' ');
      return s || 'webgpu';
    }
    if (name === 'wasm') {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return simd ? 'wasm simd' : 'wasm';
    }
  } catch {
    /* fall through */
  }
  return name;
}

/** Adapter strings of GPU emulations on the CPU. */
export const SOFTWARE_GPU = /swiftshader|llvmpipe|softpipe|software/i;

/** Environment check before trying a backend, so Node does not even attempt GPU backends. */
function unavailableReason(name: BackendName): string | null {
  const g = globalThis as unknown as {
    navigator?: { gpu?: unknown };
    OffscreenCanvas?: unknown;
    document?: unknown;
  };
  if (name === 'webgpu' && !g.navigator?.gpu) return 'navigator.gpu is not available';
  if (name === 'webgl' && typeof g.OffscreenCanvas === 'undefined' && typeof g.document === 'undefined')
    return 'no OffscreenCanvas or document (not a browser)';
  if (!tf.findBackendFactory(name)) return 'backend not registered';
  return null;
}

/**
 * Chooses, initialises and verifies a tfjs backend. Applies the tfjs fixes (idempotent) first.
 * With `preferred`, only that backend is tried and failure throws an Error naming the reason.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  applyTfjsFixes();
  // Threaded wasm hangs in cross-origin-isolated minified builds and gives no speed-up on 2 cores.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (opts.wasmPaths !== undefined && !wasmPathsSet) {
    setWasmPaths(opts.wasmPaths as string);
    wasmPathsSet = true;
  }
  const order = opts.preferred ? [opts.preferred] : BACKEND_ORDER;
  const tried: BackendAttempt[] = [];
  for (const name of order) {
    const pre = unavailableReason(name);
    if (pre) {
      tried.push({ name, ok: false, reason: pre });
      continue;
    }
    let ok: boolean;
    try {
      ok = await tf.setBackend(name);
      if (ok) await tf.ready();
    } catch (e) {
      tried.push({
        name,
        ok: false,
        reason: `initialisation failed: ${e instanceof Error ? e.message : String(e)}`,
      });
      continue;
    }
    if (!ok || tf.getBackend() !== name) {
      tried.push({ name, ok: false, reason: 'initialisation failed' });
      continue;
    }
    const bad = await backendSelfCheck();
    if (bad) {
      tried.push({ name, ok: false, reason: bad });
      continue;
    }
    const adapter = await describeAdapter(name);
    // In automatic mode a GPU backend that runs on a CPU emulation of the GPU (SwiftShader, llvmpipe;
    // headless Chromium without a GPU) is measured several times slower than wasm: keep looking.
    if (!opts.preferred && (name === 'webgpu' || name === 'webgl') && SOFTWARE_GPU.test(adapter)) {
      tried.push({ name, ok: false, reason: `software GPU emulation (${adapter}), slower than wasm` });
      continue;
    }
    tried.push({ name, ok: true });
    return { backend: name, adapter, tried, kernels: wasmKernelStates() };
  }
  const why = tried.map((t) => `${t.name}: ${t.reason ?? 'failed'}`).join('; ');
  throw new Error(
    opts.preferred
      ? `The ${opts.preferred} compute backend is not usable here (${why}).`
      : `No tfjs compute backend works here (${why}).`,
  );
}
