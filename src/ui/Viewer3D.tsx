/**
 * The 3D molecule view: one 3Dmol viewer held in a ref, created once per mounted container (safe
 * under React StrictMode's mount–unmount–mount), resized with a ResizeObserver. It follows the
 * store by subscription, drawing at most once per animation frame (the newest state wins): a new
 * molecule (different atoms) rebuilds the model; a new geometry of the same atoms moves the existing
 * atom objects in place (bonds, styles and labels are kept; only the mesh is regenerated).
 *
 * Light drag path: key-coordinate labels are moved and re-lettered in place (viewer3d/labels.ts);
 * while the geometry changes in a burst the view draws at half its pixel ratio and returns to full
 * resolution RESTORE_MS after the last change (viewer3d/resolution.ts; `data-resolution` on the
 * host says which). `?drag=full` in the page URL turns both off (the benchmark's "before").
 *
 * An optional overlay source (the explorer's) adds force arrows (one shape per colour) and the key
 * coordinates (highlighted bonds, labels with their current values). An optional camera link gives
 * the viewer camera requests (a saved view, a tour step) to apply once the molecule is on screen,
 * and hears about every view change (mouse, keys, requests). After each drawn frame the host
 * element's `data-frame` counter and `data-geometry-version` are updated (the slider benchmark and
 * the browser tests read them); performance measures `pes:viewer:*` time the parts of a frame.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type MutableRefObject } from 'react';
import type { GLModel, GLViewer } from '3dmol';
import { useStore, type Molecule } from '../state/store';
import { formatCoord, measure, type KeyCoordDef } from '../chem/keyCoords';
import { symbolOf } from './elements';
import type { CameraRequest, CameraView } from './viewer3d/camera';
import { compactShapeGeometry, rendererOf } from './viewer3d/internals';
import { LabelSet, type LabelItem } from './viewer3d/labels';
import { DynamicResolution } from './viewer3d/resolution';

/** Extra drawing on top of the molecule. */
export interface ViewerOverlay {
  /** Force sets (kcal/mol/Å, flat, same atoms as the molecule), each drawn in its colour. */
  arrows: { color: string; F: Float64Array }[];
  /** Å of arrow per kcal/mol/Å. */
  scale: number;
  /** Key coordinates to highlight and label. */
  coords: readonly KeyCoordDef[];
}
export interface OverlaySource {
  get(): ViewerOverlay | null;
  subscribe(onChange: () => void): () => void;
}
/** Camera requests in, view changes out (the explorer keeps the camera in the URL with it). */
export interface CameraLink {
  /** The waiting request, if any, for the molecule now in the store; taking it clears it. */
  take(): CameraRequest | null;
  /** Calls back when a request starts waiting. */
  subscribe(onRequest: () => void): () => void;
  /** The view after each drawn change (often: the link debounces). */
  changed(view: CameraView): void;
}
/** What the parent can do with the viewer (exports, camera). */
export interface ViewerHandle {
  pngURI(): string;
  getView(): number[] | null;
}

const HIGHLIGHT = '#f2c14e';
/** Screen offsets (px) of the key-coordinate labels, in the order of the coordinates. */
const LABEL_OFFSETS = [
  { x: 0, y: -42 },
  { x: -78, y: 22 },
  { x: 78, y: 22 },
  { x: -96, y: -14 },
  { x: 0, y: 46 },
];
/** Full resolution returns this long after the last geometry change. */
export const RESTORE_MS = 180;
/**
 * 3Dmol (2.5) normally draws every viewer into one shared OffscreenCanvas and copies each frame to the
 * page with transferToImageBitmap. With its drawing buffer preserved, that copy waits for the GPU:
 * with software WebGL it was most of a frame (slider bench: render p50 6 ms, p95 18 ms, against
 * 2 / 7 ms drawing straight into the page's canvas). A 1 × 1 viewer grid is 3Dmol's way to give a
 * viewer its own WebGL canvas; the app has one viewer, so context sharing buys nothing here.
 */
const OWN_CANVAS = { rows: 1, cols: 1, row: 0, col: 0 } as const;

/**
 * `?glsync=1` (for `npm run bench -- slider`): wait for the GPU to finish each frame (gl.finish) so
 * that the measured frame time includes the rasterisation, not just issuing the commands.
 */
const GL_SYNC = typeof location !== 'undefined' && /[?&]glsync=1\b/.test(location.search);

/** `?drag=full`: draw every frame the plain way (full resolution, labels re-created). */
const PLAIN_DRAG = typeof location !== 'undefined' && /[?&]drag=full\b/.test(location.search);
/** Pixel-ratio factor while the geometry changes (`?dragres=0.35` overrides it, for the benchmark). */
const DRAG_RESOLUTION = (() => {
  const m = typeof location !== 'undefined' ? /[?&]dragres=([\d.]+)/.exec(location.search) : null;
  const f = m ? Number(m[1]) : NaN;
  return f > 0.1 && f <= 1 ? f : 0.5;
})();

const span = (name: string, start: number) => {
  performance.measure(`pes:viewer:${name}`, { start, end: performance.now() });
};

/** Highlighted bonds of the key coordinates and the force arrows (one shape per colour). */
function drawShapes(viewer: GLViewer, m: Molecule, o: ViewerOverlay | null) {
  viewer.removeAllShapes();
  if (!o) return;
  const R = m.R;
  const at = (i: number) => ({ x: R[3 * i], y: R[3 * i + 1], z: R[3 * i + 2] });
  const n = m.z.length;
  if (o.coords.length) {
    const shape = viewer.addShape({ color: HIGHLIGHT, opacity: 0.55 });
    compactShapeGeometry(shape);
    const done = new Set<string>();
    for (const c of o.coords)
      for (let k = 0; k + 1 < c.atoms.length; k++) {
        const [a, b] = [c.atoms[k], c.atoms[k + 1]].sort((u, v) => u - v);
        if (a >= n || b >= n || done.has(`${a}-${b}`)) continue;
        done.add(`${a}-${b}`);
        shape.addCylinder({ start: at(a), end: at(b), radius: 0.26, color: HIGHLIGHT, fromCap: 1, toCap: 1 });
      }
  }
  for (const set of o.arrows) {
    if (set.F.length !== R.length) continue;
    const shape = viewer.addShape({ color: set.color });
    compactShapeGeometry(shape);
    for (let i = 0; i < n; i++) {
      const fx = set.F[3 * i] * o.scale;
      const fy = set.F[3 * i + 1] * o.scale;
      const fz = set.F[3 * i + 2] * o.scale;
      if (fx * fx + fy * fy + fz * fz < 0.0025) continue; // shorter than 0.05 Å: not drawable
      const s = at(i);
      shape.addArrow({
        start: s,
        end: { x: s.x + fx, y: s.y + fy, z: s.z + fz },
        radius: 0.05,
        radiusRatio: 2,
        mid: 0.75,
        color: set.color,
      });
    }
  }
}

/** The key-coordinate labels: current value at the centre of the atoms that define it. */
function labelItems(m: Molecule, o: ViewerOverlay | null): LabelItem[] {
  if (!o) return [];
  const R = m.R;
  const n = m.z.length;
  const out: LabelItem[] = [];
  o.coords.forEach((c, k) => {
    if (c.atoms.some((i) => i >= n)) return;
    const p = { x: 0, y: 0, z: 0 };
    for (const i of c.atoms) {
      p.x += R[3 * i] / c.atoms.length;
      p.y += R[3 * i + 1] / c.atoms.length;
      p.z += R[3 * i + 2] / c.atoms.length;
    }
    out.push({
      text: formatCoord(c, measure(R, c)),
      position: p,
      style: {
        fontSize: 12,
        fontColor: '#1b1b1b',
        backgroundColor: HIGHLIGHT,
        backgroundOpacity: 0.85,
        alignment: 'center',
        inFront: true,
        // labels of coordinates that share atoms (all five of azobenzene meet at N=N) fan out
        screenOffset: LABEL_OFFSETS[k % LABEL_OFFSETS.length],
      },
    });
  });
  return out;
}

const STYLE = { stick: { radius: 0.14, colorscheme: 'Jmol' }, sphere: { scale: 0.24, colorscheme: 'Jmol' } };

function toXyz(m: Molecule): string {
  const n = m.z.length;
  const lines = [String(n), m.name];
  for (let i = 0; i < n; i++)
    lines.push(
      `${symbolOf(m.z[i])} ${m.R[3 * i].toFixed(6)} ${m.R[3 * i + 1].toFixed(6)} ${m.R[3 * i + 2].toFixed(6)}`,
    );
  return lines.join('\n') + '\n';
}

/**
 * True when WebGL runs in software (SwiftShader, llvmpipe): there multisampling costs most of each
 * frame, so the viewer draws without antialiasing to keep the slider responsive.
 */
function softwareWebGL(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return false;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(name);
  } catch {
    return false;
  }
}

/** Applies a camera request (the molecule is on screen; renders). */
function applyCamera(viewer: GLViewer, req: CameraRequest) {
  if (req.kind === 'view') {
    viewer.setView([...req.view]);
    return;
  }
  // Back to the orientation the molecule loads in, centred, then the step's turns and zoom.
  const v = viewer.getView();
  viewer.setView([v[0], v[1], v[2], v[3], 0, 0, 0, 1]);
  viewer.zoomTo();
  const [rx, ry, rz] = req.rotate ?? [0, 0, 0];
  if (rx) viewer.rotate(rx, 'x');
  if (ry) viewer.rotate(ry, 'y');
  if (rz) viewer.rotate(rz, 'z');
  if (req.zoom && req.zoom !== 1) viewer.zoom(req.zoom);
}

const sameAtoms = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface Viewer3DProps {
  /** Accessible description of what is shown. */
  label?: string;
  overlay?: OverlaySource;
  camera?: CameraLink;
  /** Filled with export functions once the viewer runs. */
  handleRef?: MutableRefObject<ViewerHandle | null>;
}

export function Viewer3D({ label = 'Molecule viewer', overlay, camera, handleRef }: Viewer3DProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<GLViewer | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const pushError = useStore((s) => s.pushError);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let model: GLModel | null = null;
    let shownZ: Int32Array | null = null;
    let shownMolecule: Molecule | null = null;
    let shownVersion = -1;
    let shownOverlay: ViewerOverlay | null | undefined;
    let unsubscribe: (() => void) | null = null;
    let resizeFrame = 0;
    let frames = 0;
    const labels = new LabelSet();
    let resolution: DynamicResolution | null = null;
    let restoreTimer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(resizeFrame);
      resizeFrame = requestAnimationFrame(() => viewerRef.current?.resize().render());
    });

    const mark = () => {
      host.dataset.frame = String(++frames);
      host.dataset.geometryVersion = String(shownVersion);
      host.dataset.resolution = resolution?.reduced ? 'reduced' : 'full';
    };

    /** Draws the store's molecule and the overlay as they are now (one render). */
    const draw = () => {
      const viewer = viewerRef.current;
      if (!viewer) return;
      const t0 = performance.now();
      const { molecule: m, geometryVersion } = useStore.getState();
      if (!m) {
        if (model) viewer.removeAllModels().removeAllShapes();
        labels.reset(viewer);
        model = null;
        shownZ = null;
        shownMolecule = null;
        shownVersion = geometryVersion;
        viewer.render();
        mark();
        return;
      }
      const o = overlay?.get() ?? null;
      const fresh = !model || !shownZ || !sameAtoms(shownZ, m.z);
      const moved = !fresh && (m !== shownMolecule || geometryVersion !== shownVersion);
      if (fresh) {
        labels.reset(viewer);
        viewer.removeAllModels();
        model = viewer.addModel(toXyz(m), 'xyz');
        model.setStyle({}, STYLE);
        shownZ = m.z;
      } else if (moved) {
        // Same atoms: move the atom objects in place; setStyle (same style) resets the stick caps
        // and marks the mesh for regeneration at the next render. Bonds are kept.
        const atoms = model!.selectedAtoms({});
        for (let i = 0; i < atoms.length; i++) {
          atoms[i].x = m.R[3 * i];
          atoms[i].y = m.R[3 * i + 1];
          atoms[i].z = m.R[3 * i + 2];
        }
        model!.setStyle({}, STYLE);
      }
      span('atoms', t0);
      const t1 = performance.now();
      if (fresh || moved || o !== shownOverlay) {
        drawShapes(viewer, m, o);
        span('shapes', t1);
        const t2 = performance.now();
        if (PLAIN_DRAG) labels.reset(viewer);
        labels.sync(viewer, labelItems(m, o));
        span('labels', t2);
      }
      shownMolecule = m;
      shownVersion = geometryVersion;
      shownOverlay = o;
      // Dynamic resolution: reduced while the geometry keeps changing, full again when it rests.
      if (moved && resolution && !PLAIN_DRAG) {
        const t4 = performance.now();
        if (resolution.set(true)) span('resize', t4);
        clearTimeout(restoreTimer);
        restoreTimer = setTimeout(() => {
          if (resolution?.set(false)) {
            viewerRef.current?.render();
            mark();
          }
        }, RESTORE_MS);
      }
      const t3 = performance.now();
      if (fresh) viewer.zoomTo();
      const req = camera?.take();
      if (req) applyCamera(viewer, req);
      viewer.render();
      span('render', t3);
      mark();
    };

    import('3dmol')
      .then(($3Dmol) => {
        if (disposed) return;
        if (!viewerRef.current) {
          viewerRef.current = $3Dmol.createViewer(host, {
            backgroundColor: 'white',
            backgroundAlpha: 0,
            antialias: !softwareWebGL(),
            ...OWN_CANVAS,
          });
        }
        const viewer = viewerRef.current;
        resolution = new DynamicResolution(viewer, host, DRAG_RESOLUTION);
        // Time the GL part of each render (the rest of render() is mesh generation).
        const r = rendererOf(viewer);
        if (r) {
          const base = r.render.bind(r);
          r.render = (...args: unknown[]) => {
            const t = performance.now();
            base(...args);
            if (GL_SYNC) r.getCanvas().getContext('webgl2')?.finish();
            span('gl', t);
          };
        }
        if (camera) viewer.setViewChangeCallback((v: CameraView) => camera.changed(v));
        // Subscribed before the first draw, so a remounted viewer gets the last view back.
        let drawFrame = 0;
        // A camera request for the molecule on screen is applied at once (after a pending draw).
        const unsubscribeCamera = camera?.subscribe(() => {
          if (drawFrame || !model) return; // the next draw takes it
          const req = camera.take();
          if (req && viewerRef.current) {
            applyCamera(viewerRef.current, req);
            viewerRef.current.render();
            mark();
          }
        });
        draw();
        // Everything is drawn at most once per animation frame (the newest state wins), so a burst
        // of updates (a fast slider drag) costs one render, not one per update.
        let scheduledAt = 0;
        const schedule = () => {
          if (drawFrame) return;
          scheduledAt = performance.now();
          drawFrame = requestAnimationFrame(() => {
            drawFrame = 0;
            span('wait', scheduledAt);
            draw();
          });
        };
        const unsubscribeStore = useStore.subscribe((s, prev) => {
          if (s.geometryVersion !== prev.geometryVersion || s.molecule !== prev.molecule) schedule();
        });
        const unsubscribeOverlay = overlay?.subscribe(schedule);
        if (handleRef)
          handleRef.current = {
            pngURI: () => {
              // an export is drawn at full resolution, even in the middle of a drag
              if (resolution?.set(false) && viewerRef.current) {
                viewerRef.current.render();
                mark();
              }
              return viewerRef.current?.pngURI() ?? '';
            },
            getView: () => viewerRef.current?.getView() ?? null,
          };
        unsubscribe = () => {
          cancelAnimationFrame(drawFrame);
          clearTimeout(restoreTimer);
          unsubscribeStore();
          unsubscribeOverlay?.();
          unsubscribeCamera?.();
          if (handleRef) handleRef.current = null;
        };
        observer.observe(host);
        setState('ready');
      })
      .catch((e: unknown) => {
        if (disposed) return;
        setState('error');
        pushError('The 3D viewer could not start.', e instanceof Error ? e.message : String(e));
      });

    return () => {
      disposed = true;
      unsubscribe?.();
      observer.disconnect();
      cancelAnimationFrame(resizeFrame);
      const viewer = viewerRef.current;
      viewerRef.current = null;
      if (viewer) {
        viewer.setViewChangeCallback(null);
        viewer.clear();
        const canvas = viewer.getCanvas();
        // The viewer owns its WebGL context (OWN_CANVAS): give it back now rather than at GC, since
        // Chromium keeps at most 16 live contexts.
        canvas?.getContext('webgl2')?.getExtension('WEBGL_lose_context')?.loseContext();
        canvas?.remove();
      }
    };
  }, [pushError, overlay, camera, handleRef]);

  const onKeyDown = (e: KeyboardEvent) => {
    const v = viewerRef.current;
    if (!v) return;
    const step: Record<string, () => void> = {
      ArrowLeft: () => v.rotate(-10, 'y'),
      ArrowRight: () => v.rotate(10, 'y'),
      ArrowUp: () => v.rotate(-10, 'x'),
      ArrowDown: () => v.rotate(10, 'x'),
      '+': () => v.zoom(1.15),
      '=': () => v.zoom(1.15),
      '-': () => v.zoom(1 / 1.15),
      '0': () => v.zoomTo(),
    };
    const f = step[e.key];
    if (f) {
      e.preventDefault();
      f();
      v.render();
    }
  };

  return (
    <div className="viewer-wrap">
      <div
        ref={hostRef}
        className="viewer"
        role="img"
        aria-label={label}
        data-testid="viewer"
        data-state={state}
        tabIndex={0}
        onKeyDown={onKeyDown}
      />
      {state === 'loading' && <p className="viewer-note">Loading the 3D viewer…</p>}
      {state === 'error' && <p className="viewer-note">3D view unavailable (see the error above).</p>}
    </div>
  );
}
