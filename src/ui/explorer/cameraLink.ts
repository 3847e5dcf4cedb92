/**
 * The explorer's camera: requests for the 3D view (a view from the URL, back/forward, a tour step's
 * camera) wait here until the viewer shows the explorer's path molecule and takes them; the view
 * the viewer reports after every change is kept (and written to the URL by viewUrl.ts), so a
 * remounted viewer (tab switch) gets it back.
 */
import { useExplorer } from '../../state/explorer';
import { useStore } from '../../state/store';
import type { CameraLink } from '../Viewer3D';
import type { CameraRequest, CameraView } from '../viewer3d/camera';
import type { TourCamera } from '../tour/tourFormat';

let pending: CameraRequest | null = null;
let lastView: CameraView | null = null;
const waiting = new Set<() => void>();
const viewers = new Set<(v: CameraView) => void>();

/** True when the store's molecule is the explorer's loaded path (not another tab's, not loading). */
function pathOnScreen(): boolean {
  const ex = useExplorer.getState();
  const m = useStore.getState().molecule;
  const entry = ex.paths.find((p) => p.id === ex.pathId);
  return !!m && !!entry && ex.status === 'ready' && m.source === entry.url;
}

/** Asks the viewer for a camera (applied as soon as the path's molecule is on screen). */
export function requestCamera(req: CameraRequest): void {
  pending = req;
  for (const f of [...waiting]) f();
}

/** A tour step's camera as a request ("reset" = the default orientation). */
export function tourCameraRequest(c: TourCamera): CameraRequest {
  return c.reset ? { kind: 'tour' } : { kind: 'tour', rotate: c.rotate, zoom: c.zoom };
}

/** The last view the viewer reported (null before the first). */
export function currentView(): CameraView | null {
  return lastView;
}

/** Calls back after each reported view change; returns the unsubscribe. */
export function onViewChange(f: (v: CameraView) => void): () => void {
  viewers.add(f);
  return () => viewers.delete(f);
}

export const explorerCamera: CameraLink = {
  take() {
    if (!pending || !pathOnScreen()) return null;
    const r = pending;
    pending = null;
    return r;
  },
  subscribe(onRequest) {
    // A viewer that (re)mounts starts from the last view the user had.
    if (!pending && lastView) pending = { kind: 'view', view: lastView };
    waiting.add(onRequest);
    return () => waiting.delete(onRequest);
  },
  changed(view) {
    lastView = [...view];
    for (const f of [...viewers]) f(lastView);
  },
};
