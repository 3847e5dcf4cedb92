/**
 * The 3D molecule view: one 3Dmol viewer held in a ref, created once per mounted container (safe
 * under React StrictMode's mount–unmount–mount), resized with a ResizeObserver. It follows the
 * store by subscription: a new molecule (different atoms) rebuilds the model; a new geometry of the
 * same atoms moves the existing atoms in place, at most once per animation frame. 3Dmol is loaded
 * lazily (its own chunk).
 *
 * An optional overlay source (the explorer's) adds force arrows (one shape per colour) and the key
 * coordinates (highlighted bonds, labels with their current values); it is redrawn in the same
 * animation frame as the atoms. After each drawn frame the host element's `data-frame` counter and
 * `data-geometry-version` are updated (the slider benchmark and the browser tests read them).
 */
import { useEffect, useRef, useState, type KeyboardEvent, type MutableRefObject } from 'react';
import type { GLModel, GLViewer } from '3dmol';
import { useStore, type Molecule } from '../state/store';
import { formatCoord, measure, type KeyCoordDef } from '../chem/keyCoords';
import { symbolOf } from './elements';

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
/** What the parent can do with the viewer (exports). */
export interface ViewerHandle {
  pngURI(): string;
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

/**
 * Removes all labels without a render: 3Dmol's removeAllLabels/removeLabel and addLabel (without
 * `noshow`) each re-render the whole scene, which made every slider step cost six renders.
 */
function clearLabels(viewer: GLViewer) {
  const v = viewer as unknown as {
    labels?: ({ sprite?: unknown; dispose?: () => void } | null)[];
    modelGroup?: { remove(o: unknown): void };
  };
  if (!v.labels || !v.modelGroup) {
    viewer.removeAllLabels();
    return;
  }
  for (const l of v.labels)
    if (l?.sprite) {
      v.modelGroup.remove(l.sprite);
      l.dispose?.();
    }
  v.labels.splice(0, v.labels.length);
}

function drawOverlay(viewer: GLViewer, m: Molecule, o: ViewerOverlay | null) {
  viewer.removeAllShapes();
  clearLabels(viewer);
  if (!o) return;
  const R = m.R;
  const at = (i: number) => ({ x: R[3 * i], y: R[3 * i + 1], z: R[3 * i + 2] });
  const n = m.z.length;
  if (o.coords.length) {
    const shape = viewer.addShape({ color: HIGHLIGHT, opacity: 0.55 });
    const done = new Set<string>();
    for (const c of o.coords)
      for (let k = 0; k + 1 < c.atoms.length; k++) {
        const [a, b] = [c.atoms[k], c.atoms[k + 1]].sort((u, v) => u - v);
        if (a >= n || b >= n || done.has(`${a}-${b}`)) continue;
        done.add(`${a}-${b}`);
        shape.addCylinder({ start: at(a), end: at(b), radius: 0.26, color: HIGHLIGHT, fromCap: 1, toCap: 1 });
      }
    o.coords.forEach((c, k) => {
      if (c.atoms.some((i) => i >= n)) return;
      const p = { x: 0, y: 0, z: 0 };
      for (const i of c.atoms) {
        p.x += R[3 * i] / c.atoms.length;
        p.y += R[3 * i + 1] / c.atoms.length;
        p.z += R[3 * i + 2] / c.atoms.length;
      }
      viewer.addLabel(
        formatCoord(c, measure(R, c)),
        {
          position: p,
          fontSize: 12,
          fontColor: '#1b1b1b',
          backgroundColor: HIGHLIGHT,
          backgroundOpacity: 0.85,
          alignment: 'center',
          inFront: true,
          // labels of coordinates that share atoms (all five of azobenzene meet at N=N) fan out
          screenOffset: LABEL_OFFSETS[k % LABEL_OFFSETS.length] as unknown as never,
        },
        undefined,
        true,
      );
    });
  }
  for (const set of o.arrows) {
    if (set.F.length !== R.length) continue;
    const shape = viewer.addShape({ color: set.color });
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

const sameAtoms = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface Viewer3DProps {
  /** Accessible description of what is shown. */
  label?: string;
  overlay?: OverlaySource;
  /** Filled with export functions once the viewer runs. */
  handleRef?: MutableRefObject<ViewerHandle | null>;
}

export function Viewer3D({ label = 'Molecule viewer', overlay, handleRef }: Viewer3DProps) {
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
    let unsubscribe: (() => void) | null = null;
    let frame = 0;
    let frames = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => viewerRef.current?.resize().render());
    });

    const show = (m: Molecule | null) => {
      const viewer = viewerRef.current;
      if (!viewer) return;
      if (!m) {
        viewer.removeAllModels().render();
        model = null;
        shownZ = null;
        return;
      }
      if (model && shownZ && sameAtoms(shownZ, m.z)) {
        // Same atoms: move them in place (bonds and styles are kept), then rebuild the mesh.
        const atoms = model.selectedAtoms({});
        for (let i = 0; i < atoms.length; i++) {
          atoms[i].x = m.R[3 * i];
          atoms[i].y = m.R[3 * i + 1];
          atoms[i].z = m.R[3 * i + 2];
        }
        model.setStyle({}, STYLE);
        drawOverlay(viewer, m, overlay?.get() ?? null);
        viewer.render();
        mark();
        return;
      }
      viewer.removeAllModels();
      model = viewer.addModel(toXyz(m), 'xyz');
      model.setStyle({}, STYLE);
      shownZ = m.z;
      drawOverlay(viewer, m, overlay?.get() ?? null);
      viewer.zoomTo();
      viewer.render();
      mark();
    };
    const mark = () => {
      host.dataset.frame = String(++frames);
      host.dataset.geometryVersion = String(useStore.getState().geometryVersion);
    };

    import('3dmol')
      .then(($3Dmol) => {
        if (disposed) return;
        if (!viewerRef.current) {
          viewerRef.current = $3Dmol.createViewer(host, {
            backgroundColor: 'white',
            backgroundAlpha: 0,
            antialias: !softwareWebGL(),
          });
        }
        show(useStore.getState().molecule);
        // Geometry changes are drawn at most once per animation frame (the newest one wins), so a
        // burst of updates (a fast slider drag) costs one render, not one per update.
        let drawFrame = 0;
        const schedule = () => {
          cancelAnimationFrame(drawFrame);
          drawFrame = requestAnimationFrame(() => show(useStore.getState().molecule));
        };
        const unsubscribeStore = useStore.subscribe((s, prev) => {
          if (s.geometryVersion !== prev.geometryVersion) schedule();
        });
        const unsubscribeOverlay = overlay?.subscribe(schedule);
        if (handleRef) handleRef.current = { pngURI: () => viewerRef.current?.pngURI() ?? '' };
        unsubscribe = () => {
          cancelAnimationFrame(drawFrame);
          unsubscribeStore();
          unsubscribeOverlay?.();
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
      cancelAnimationFrame(frame);
      const viewer = viewerRef.current;
      viewerRef.current = null;
      if (viewer) {
        viewer.clear();
        viewer.getCanvas()?.remove();
      }
    };
  }, [pushError, overlay, handleRef]);

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
