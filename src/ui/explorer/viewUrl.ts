/**
 * The explorer's view state in the URL beyond ?path=…&x=… (those are in state/persist.ts):
 * `cam` (the 3D camera, viewer3d/camera.ts encoding), `ds` (the selected dataset) and `show` (the
 * ids of the models shown, comma-separated; empty = none). Written with replaceState, debounced,
 * keeping every other parameter and the #tab; read once at start-up and on back/forward.
 */
import { useDatasets } from '../../state/datasets';
import { useModels } from '../../state/models';
import { startModelPersistence } from '../../state/persist';
import { useStore } from '../../state/store';
import { decodeView, encodeView, sameView, type CameraView } from '../viewer3d/camera';
import { currentView, onViewChange, requestCamera } from './cameraLink';

export interface ExtraQuery {
  cam?: number[];
  ds?: string;
  /** Ids of the visible models; undefined when the URL does not say. */
  show?: string[];
}

/** Parses cam/ds/show from a query string (pure; malformed values are left out). */
export function readExtraQuery(search: string): ExtraQuery {
  const q = new URLSearchParams(search);
  const out: ExtraQuery = {};
  const cam = decodeView(q.get('cam'));
  if (cam) out.cam = cam;
  const ds = q.get('ds');
  if (ds) out.ds = ds;
  const show = q.get('show');
  if (show !== null) out.show = show.split(',').filter(Boolean);
  return out;
}

/** The query with cam/ds/show set (pure); undefined values remove the parameter. */
export function withExtraQuery(
  search: string,
  v: { cam?: CameraView | null; ds?: string | null; show?: string[] | null },
) {
  const q = new URLSearchParams(search);
  const put = (k: string, s: string | null) => (s === null ? q.delete(k) : q.set(k, s));
  if (v.cam !== undefined) put('cam', v.cam ? encodeView(v.cam) : null);
  if (v.ds !== undefined) put('ds', v.ds);
  if (v.show !== undefined) put('show', v.show ? v.show.join(',') : null);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function replaceQuery(v: Parameters<typeof withExtraQuery>[1]) {
  const search = withExtraQuery(window.location.search, v);
  if (search === window.location.search) return;
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${search}${window.location.hash}`,
  );
}

const visibleIds = () =>
  useModels
    .getState()
    .models.filter((m) => m.visible)
    .map((m) => m.id);

let started = false;
let camTimer: ReturnType<typeof setTimeout> | undefined;
/** Debounce of the camera's URL update after the user rotates or zooms (ms). */
export const CAM_DEBOUNCE_MS = 300;

/**
 * Starts the URL sync once per page (the app calls it at start-up, the explorer again): applies the
 * start-up query (camera request, dataset once it is listed, models shown once the saved models are
 * restored from IndexedDB) and from then on writes cam/ds/show after changes.
 */
export function startViewUrl(): void {
  if (started) return;
  started = true;
  const start = readExtraQuery(window.location.search);
  if (start.cam) requestCamera({ kind: 'view', view: start.cam });

  // Camera: written a moment after the last change.
  onViewChange(() => {
    clearTimeout(camTimer);
    camTimer = setTimeout(() => {
      const v = currentView();
      const inUrl = readExtraQuery(window.location.search).cam ?? null;
      if (v && !sameView(v, inUrl)) replaceQuery({ cam: v });
    }, CAM_DEBOUNCE_MS);
  });

  // Dataset: the URL's once it is listed, then follow the selection.
  let dsApplied = !start.ds;
  const syncDataset = () => {
    const st = useDatasets.getState();
    if (!dsApplied && st.datasets.some((d) => d.id === start.ds)) {
      dsApplied = true;
      if (st.selectedId !== start.ds) st.select(start.ds!);
      return; // the select above calls back
    }
    if (dsApplied && st.selectedId) replaceQuery({ ds: st.selectedId });
  };
  useDatasets.subscribe((s, p) => {
    // A selection made before the URL's dataset is listed (a user file not restored yet, or gone)
    // wins: from then on the URL follows the selection.
    if (!dsApplied && p.selectedId !== null && s.selectedId !== p.selectedId) dsApplied = true;
    if (s.selectedId !== p.selectedId || s.datasets !== p.datasets) syncDataset();
  });
  syncDataset();

  // Models shown: the URL's visibility once the saved models are back, then follow.
  const pushError = (m: string, d?: string) => useStore.getState().pushError(m, d);
  void startModelPersistence(pushError)
    .catch(() => undefined)
    .then(() => {
      if (start.show) {
        const want = new Set(start.show);
        const ms = useModels.getState();
        for (const m of ms.models) if (m.visible !== want.has(m.id)) ms.setVisible(m.id, want.has(m.id));
      }
      const write = () => replaceQuery({ show: useModels.getState().models.length ? visibleIds() : null });
      useModels.subscribe((s, p) => {
        if (s.models !== p.models) write();
      });
      write();
    });
}

/** Back/forward: the camera in the URL, when it differs from the view on screen. */
export function followCameraInUrl(): void {
  const cam = readExtraQuery(window.location.search).cam;
  if (cam && !sameView(cam, currentView())) requestCamera({ kind: 'view', view: cam });
}
