/**
 * The explorer's logic outside React: loads the path list and the selected path, turns slider values
 * into geometries (store.setGeometry, which the 3D view follows without React), keeps the predict
 * worker's models in sync with useModels, asks it for predictions at the current geometry (latest
 * request wins) and along the whole path (profiles), plays the path, and mirrors the view in the URL
 * (path and x here; camera, dataset and models shown in viewUrl.ts).
 */
import { getServices } from '../../app/services';
import {
  computedPointAt,
  geometriesAt,
  geometryAt,
  parsePathJson,
  sAtX,
  sampleS,
  xAtS,
  xRange,
  type ReactionPath,
} from '../../chem/pathInterp';
import { STALE, isCancelled, latestWins } from '../../compute/workerClient';
import type { ModelPrediction, ParsedModelFile } from '../../compute/predictTasks';
import {
  PATH_LABELS,
  useExplorer,
  type CurrentPrediction,
  type ModelProfile,
  type PathEntry,
} from '../../state/explorer';
import { useModels, type LoadedModel } from '../../state/models';
import { readViewQuery, startModelPersistence, writeViewQuery } from '../../state/persist';
import { useStore } from '../../state/store';
import type { SerializedModel } from '../../models/types';
import type { OverlaySource, ViewerOverlay } from '../Viewer3D';
import { currentView, requestCamera } from './cameraLink';
import { followCameraInUrl, startViewUrl } from './viewUrl';

/** Samples of each model's continuous curve along the path. */
export const PROFILE_SAMPLES = 64;
/** Seconds for one pass of the whole path when playing. */
const PLAY_SECONDS = 8;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const pushError = (m: string, d?: string) => useStore.getState().pushError(m, d);
const base = () => import.meta.env.BASE_URL ?? '/';

// ---------------------------------------------------------------------------------------------
// paths

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(base() + url, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${url} is not valid JSON (${message(e)})`, { cause: e });
  }
}

/** Path entries from manifest.json "paths" (array of {id, file} or strings). */
export function pathEntriesFromManifest(manifest: unknown): PathEntry[] {
  const raw = (manifest as { paths?: unknown } | null)?.paths;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : [];
  const out: PathEntry[] = [];
  for (const p of list) {
    const file =
      typeof p === 'string' ? p : p && typeof p === 'object' ? (p as { file?: unknown }).file : undefined;
    if (typeof file !== 'string' || !file.endsWith('.json')) continue;
    const id =
      (p && typeof p === 'object' && typeof (p as { id?: unknown }).id === 'string'
        ? (p as { id: string }).id
        : undefined) ?? file.replace(/^.*\//, '').replace(/\.json$/, '');
    const url = file.startsWith('data/') ? file : `data/${file.replace(/^\.?\//, '')}`;
    out.push({ id, url, label: PATH_LABELS[id] ?? id });
  }
  return out;
}

const geometryCache = new Map<string, Float64Array>();
/** Profile samples followed by the computed points, for one batch prediction. */
function profileGeometries(path: ReactionPath): Float64Array {
  let g = geometryCache.get(path.id);
  if (!g) {
    const ss = sampleS(path, PROFILE_SAMPLES);
    const all = new Float64Array(ss.length + path.points.length);
    all.set(ss);
    all.set(
      path.points.map((_, k) => k),
      ss.length,
    );
    g = geometriesAt(path, all);
    geometryCache.set(path.id, g);
  }
  return g;
}

let loadToken = 0;

/** Loads a path (by id) and shows it at slider value x (default: the path start). */
export async function selectPath(id: string, x?: number): Promise<void> {
  const ex = useExplorer.getState();
  const entry = ex.paths.find((p) => p.id === id);
  if (!entry) {
    ex.set({ status: 'error', pathError: `unknown path "${id}"` });
    return;
  }
  const token = ++loadToken;
  stopPlaying();
  ex.set({ pathId: id, status: 'loading', pathError: undefined });
  try {
    const path = parsePathJson(await fetchJson(entry.url), entry.url);
    if (token !== loadToken) return;
    useExplorer.getState().set({ path, status: 'ready', current: {}, profiles: {} });
    useStore.getState().setMolecule({
      name: `${path.molecule}, ${PATH_LABELS[path.id] ?? path.id} path`,
      theory: path.theory,
      source: entry.url,
      z: path.z,
      R: path.points[0].R,
      E: path.points[0].E,
    });
    setX(x ?? path.xs[0]);
    void refreshProfiles();
  } catch (e) {
    if (token !== loadToken) return;
    useExplorer.getState().set({ status: 'error', path: null, pathError: message(e) });
  }
}

// ---------------------------------------------------------------------------------------------
// slider

/** Moves to slider value x (clamped to the path): new geometry at once, predictions requested. */
export function setX(x: number): void {
  const { path } = useExplorer.getState();
  if (!path) return;
  const [lo, hi] = xRange(path);
  const xc = Math.min(Math.max(x, lo), hi);
  const s = sAtX(path, xc);
  // A value within the URL's rounding (0.01) of a computed point is that point (its reference
  // energy and forces show again after a reload).
  const k = Math.round(s);
  if (Math.abs(path.xs[k] - xc) <= 0.006) showAt(path, k, path.xs[k]);
  else showAt(path, s, xc);
}

/** Moves to fractional point index s. */
export function setS(s: number): void {
  const { path } = useExplorer.getState();
  if (!path) return;
  const sc = Math.min(Math.max(s, 0), path.points.length - 1);
  showAt(path, sc, xAtS(path, sc));
}

function showAt(path: ReactionPath, s: number, x: number) {
  const R = geometryAt(path, s);
  const k = computedPointAt(s);
  const st = useStore.getState();
  if (st.molecule && st.molecule.R.length === R.length)
    st.setGeometry(R, k >= 0 ? path.points[k].E : undefined);
  useExplorer.getState().set({ x, s });
  scheduleUrl();
  requestCurrent(path, s, R);
}

// ---------------------------------------------------------------------------------------------
// predictions

const sameZ = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

/** Why a model cannot be used on a path (atom count or order), or null when it can. */
export function mismatch(model: { z: ArrayLike<number> }, path: ReactionPath): string | null {
  if (model.z.length !== path.nAtoms)
    return `the model has ${model.z.length} atoms, the ${path.id} path has ${path.nAtoms}`;
  if (!sameZ(model.z, path.z)) {
    const i = Array.from(path.z).findIndex((v, k) => v !== model.z[k]);
    return `atom order differs from the ${path.id} path (atom ${i + 1}: Z=${model.z[i]} in the model, Z=${path.z[i]} in the path)`;
  }
  return null;
}

const usable = (path: ReactionPath) =>
  useModels.getState().models.filter((m) => m.visible && !mismatch(m, path) && inWorker.has(m.id));

const predictCurrent = latestWins((ids: string[], R: Float64Array, nConf: number) =>
  getServices().predict.call((api) => api.predict(ids, R, nConf)),
);

function requestCurrent(path: ReactionPath, s: number, R: Float64Array) {
  const models = usable(path);
  if (!models.length) {
    if (Object.keys(useExplorer.getState().current).length) useExplorer.getState().set({ current: {} });
    return;
  }
  const n3 = R.length;
  // Energies are shown relative to the model's own value at the path start: known from the
  // profile once it is computed (then one geometry is predicted, not two).
  const { profiles } = useExplorer.getState();
  const e0 = new Map<string, number>();
  for (const m of models) {
    const p = profiles[m.id];
    if (p && p.pathId === path.id && !p.error && p.pointEabs.length) e0.set(m.id, p.pointEabs[0]);
  }
  const known = e0.size === models.length;
  const G = known ? R : new Float64Array(2 * n3);
  if (!known) {
    G.set(R);
    G.set(path.points[0].R, n3);
  }
  const asked = performance.now();
  predictCurrent(
    models.map((m) => m.id),
    G,
    known ? 1 : 2,
  ).then(
    (res) => {
      if (res === STALE || useExplorer.getState().path !== path) return;
      performance.measure('pes:predict:roundtrip', { start: asked, end: performance.now() });
      const current: Record<string, CurrentPrediction> = {};
      for (const [id, p] of Object.entries(res)) current[id] = toCurrent(path, s, p, n3, e0.get(id));
      useExplorer.getState().set({ current, currentAt: performance.now() });
    },
    (e: unknown) => {
      if (!isCancelled(e)) pushError('Model prediction failed.', message(e));
    },
  );
}

function toCurrent(
  path: ReactionPath,
  s: number,
  p: ModelPrediction,
  n3: number,
  e0?: number,
): CurrentPrediction {
  if (p.error || !p.E || !p.F) return { pathId: path.id, s, E: NaN, F: new Float64Array(0), error: p.error };
  return {
    pathId: path.id,
    s,
    E: p.E[0] - (e0 ?? p.E[1]),
    F: p.F.slice(0, n3),
    sd: p.varE ? Math.sqrt(p.varE[0]) : undefined,
  };
}

/** Computes the missing profiles (visible models without one for the current path). */
export async function refreshProfiles(): Promise<void> {
  const { path, profiles } = useExplorer.getState();
  if (!path) return;
  const want = useModels.getState().models.filter((m) => m.visible && profiles[m.id]?.pathId !== path.id);
  if (!want.length) return;
  const bad: Record<string, ModelProfile> = {};
  const ok: LoadedModel[] = [];
  for (const m of want) {
    const why = mismatch(m, path) ?? (inWorker.has(m.id) ? null : (workerErrors.get(m.id) ?? null));
    if (why) bad[m.id] = emptyProfile(path.id, why);
    else if (inWorker.has(m.id)) ok.push(m);
  }
  if (Object.keys(bad).length)
    useExplorer.getState().set({ profiles: { ...useExplorer.getState().profiles, ...bad } });
  if (!ok.length) return;
  const G = profileGeometries(path);
  const nConf = PROFILE_SAMPLES + path.points.length;
  try {
    const res = await getServices().predict.call((api) =>
      api.predict(
        ok.map((m) => m.id),
        G,
        nConf,
      ),
    );
    if (useExplorer.getState().path !== path) return;
    const next = { ...useExplorer.getState().profiles };
    for (const [id, p] of Object.entries(res)) next[id] = toProfile(path, p);
    useExplorer.getState().set({ profiles: next });
  } catch (e) {
    if (!isCancelled(e)) pushError('Model profiles could not be computed.', message(e));
  }
}

function emptyProfile(pathId: string, error: string): ModelProfile {
  const z = new Float64Array(0);
  return { pathId, x: z, E: z, pointE: z, pointEabs: z, pointF: z, pointFRmse: z, fRmse: NaN, error };
}

function toProfile(path: ReactionPath, p: ModelPrediction): ModelProfile {
  if (p.error || !p.E || !p.F) return emptyProfile(path.id, p.error ?? 'no prediction');
  const nS = PROFILE_SAMPLES;
  const nP = path.points.length;
  const n3 = 3 * path.nAtoms;
  const e0 = p.E[nS]; // the model at the first computed point
  const ss = sampleS(path, nS);
  const pointF = p.F.slice(nS * n3);
  const pointFRmse = new Float64Array(nP);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < nP; k++) {
    const ref = path.points[k].F;
    if (!ref) {
      pointFRmse[k] = NaN;
      continue;
    }
    let s2 = 0;
    for (let j = 0; j < n3; j++) s2 += (pointF[k * n3 + j] - ref[j]) ** 2;
    pointFRmse[k] = Math.sqrt(s2 / n3);
    sum += s2;
    count += n3;
  }
  return {
    pathId: path.id,
    x: ss.map((s) => xAtS(path, s)),
    E: p.E.slice(0, nS).map((e) => e - e0),
    sd: p.varE ? p.varE.slice(0, nS).map((v) => Math.sqrt(Math.max(v, 0))) : undefined,
    pointE: p.E.slice(nS).map((e) => e - e0),
    pointEabs: p.E.slice(nS),
    pointF,
    pointFRmse,
    fRmse: count ? Math.sqrt(sum / count) : NaN,
  };
}

// ---------------------------------------------------------------------------------------------
// keeping the worker's models in sync with useModels

/** id → the serialised object the worker holds for it. */
const inWorker = new Map<string, SerializedModel>();
const workerErrors = new Map<string, string>();
let workerGen = -1;
let syncChain: Promise<void> = Promise.resolve();

export function syncModels(): Promise<void> {
  syncChain = syncChain.then(doSync, doSync);
  return syncChain;
}

async function doSync() {
  const predict = getServices().predict;
  if (predict.generation !== workerGen) {
    inWorker.clear();
    workerGen = predict.generation;
  }
  const models = useModels.getState().models;
  for (const m of models) {
    if (inWorker.get(m.id) === m.serialized || workerErrors.has(m.id)) continue;
    try {
      await predict.call((api) => api.loadModel(m.id, m.serialized));
      inWorker.set(m.id, m.serialized);
    } catch (e) {
      workerErrors.set(m.id, `could not be loaded in the predict worker: ${message(e)}`);
    }
  }
  const ids = new Set(models.map((m) => m.id));
  for (const id of [...inWorker.keys()])
    if (!ids.has(id)) {
      inWorker.delete(id);
      await predict.call((api) => api.unloadModel(id)).catch(() => undefined);
    }
  for (const id of [...workerErrors.keys()]) if (!ids.has(id)) workerErrors.delete(id);
  // Forget profiles of removed models; compute the new ones; refresh the read-out.
  const ex = useExplorer.getState();
  const profiles = Object.fromEntries(Object.entries(ex.profiles).filter(([id]) => ids.has(id)));
  ex.set({ profiles });
  await refreshProfiles();
  const { path, s } = useExplorer.getState();
  if (path) requestCurrent(path, s, geometryAt(path, s));
}

// ---------------------------------------------------------------------------------------------
// loading model files

/** Reads a model file in the predict worker and adds it to useModels; errors go to the error area. */
export async function loadModelFile(file: File): Promise<string | null> {
  let parsed: ParsedModelFile;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    parsed = await getServices().predict.call((api) => api.parseModelFile(file.name, bytes));
  } catch (e) {
    pushError(`Could not load the model ${file.name}.`, message(e));
    return null;
  }
  const { path } = useExplorer.getState();
  const why = path ? mismatch({ z: parsed.z }, path) : null;
  if (why) {
    pushError(`The model ${file.name} does not fit the path on screen.`, why);
    return null;
  }
  for (const w of parsed.warnings) pushError(`${file.name}: ${w}`);
  const facts = Object.entries(parsed.facts)
    .map(([k, v]) => `${k === 'sigma' ? 'σ' : k}=${v}`)
    .join(', ');
  return useModels.getState().addModel({
    label: `${parsed.kind === 'sgdml' ? 'sGDML' : parsed.kind.toUpperCase()} ${file.name.replace(/\.(json|npz)$/i, '')}${facts ? ` (${facts})` : ''}`,
    kind: parsed.kind,
    serialized: parsed.serialized,
    z: parsed.z,
    trainedOn: path?.molecule,
    nTrain: typeof parsed.facts.M === 'number' ? parsed.facts.M : undefined,
  });
}

// ---------------------------------------------------------------------------------------------
// play / pause

let playFrame = 0;
let playLast = 0;

export function startPlaying() {
  const { path, s } = useExplorer.getState();
  if (!path) return;
  if (s >= path.points.length - 1) setS(0);
  useExplorer.getState().set({ playing: true });
  playLast = performance.now();
  const step = (now: number) => {
    const st = useExplorer.getState();
    if (!st.playing || !st.path) return;
    const n = st.path.points.length - 1;
    const next = st.s + ((now - playLast) / 1000) * (n / PLAY_SECONDS);
    playLast = now;
    if (next >= n) {
      setS(n);
      useExplorer.getState().set({ playing: false });
      return;
    }
    setS(next);
    playFrame = requestAnimationFrame(step);
  };
  playFrame = requestAnimationFrame(step);
}

export function stopPlaying() {
  cancelAnimationFrame(playFrame);
  if (useExplorer.getState().playing) useExplorer.getState().set({ playing: false });
}

// ---------------------------------------------------------------------------------------------
// overlay for the 3D view

let overlayCache: { key: unknown[]; value: ViewerOverlay | null } | null = null;

function buildOverlay(): ViewerOverlay | null {
  const ex = useExplorer.getState();
  const models = useModels.getState().models;
  const key = [
    ex.path,
    ex.s,
    ex.current,
    ex.forceScale,
    ex.showRefForces,
    ex.showModelForces,
    ex.showLabels,
    models,
  ];
  if (overlayCache && overlayCache.key.every((v, i) => v === key[i])) return overlayCache.value;
  let value: ViewerOverlay | null = null;
  if (ex.path) {
    const arrows: ViewerOverlay['arrows'] = [];
    const k = computedPointAt(ex.s);
    const ref = k >= 0 ? ex.path.points[k].F : null;
    if (ex.showRefForces && ref) arrows.push({ color: REF_COLOUR, F: ref });
    if (ex.showModelForces)
      for (const m of models) {
        const c = ex.current[m.id];
        if (m.visible && c && !c.error && c.pathId === ex.path.id) arrows.push({ color: m.color, F: c.F });
      }
    value = { arrows, scale: ex.forceScale, coords: ex.showLabels ? ex.path.keyCoords : [] };
  }
  overlayCache = { key, value };
  return value;
}

export const REF_COLOUR = '#333333';

export const explorerOverlay: OverlaySource = {
  get: buildOverlay,
  subscribe(onChange) {
    const a = useExplorer.subscribe((s, p) => {
      if (
        s.current !== p.current ||
        s.forceScale !== p.forceScale ||
        s.showRefForces !== p.showRefForces ||
        s.showModelForces !== p.showModelForces ||
        s.showLabels !== p.showLabels
      )
        onChange();
    });
    const b = useModels.subscribe(onChange);
    return () => {
      a();
      b();
    };
  },
};

// ---------------------------------------------------------------------------------------------
// URL and start-up

let urlTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const { pathId, x } = useExplorer.getState();
    if (pathId) writeViewQuery({ path: pathId, x });
  }, 150);
}

let started = false;

/** Starts the explorer once per page: persistence, path list, initial path from the URL. */
export function startExplorer(): void {
  if (started) return;
  started = true;
  Object.assign(window, {
    __pesExplorer: { useExplorer, useModels, setX, setS, currentView, requestCamera, predictCurrent },
  });
  startViewUrl();
  useModels.subscribe((s, p) => {
    if (s.models !== p.models) void syncModels();
  });
  void startModelPersistence(pushError).then(() => syncModels());
  // Back/forward and the teaching tour change ?path=…&x=… and fire 'popstate': follow them.
  window.addEventListener('popstate', () => {
    const q = readViewQuery();
    const ex = useExplorer.getState();
    if (q.path && q.path !== ex.pathId && ex.paths.some((p) => p.id === q.path)) void selectPath(q.path, q.x);
    else if (q.x !== undefined && Math.abs(q.x - ex.x) > 1e-6) setX(q.x);
    followCameraInUrl();
  });
  fetchJson('data/manifest.json')
    .then((manifest) => {
      // the URL as it is now: a tour started from ?tour=… may have moved it while the manifest loaded
      // (its 'popstate' came before there were paths to follow)
      const query = readViewQuery();
      const paths = pathEntriesFromManifest(manifest);
      useExplorer.getState().set({ paths });
      if (!paths.length) throw new Error('the manifest lists no paths');
      const id = paths.some((p) => p.id === query.path) ? query.path! : paths[0].id;
      return selectPath(id, id === query.path ? query.x : undefined);
    })
    .catch((e: unknown) =>
      useExplorer.getState().set({ status: 'error', pathError: `Could not list the paths: ${message(e)}` }),
    );
}
