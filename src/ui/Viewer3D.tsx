/**
 * The 3D molecule view: one 3Dmol viewer held in a ref, created once per mounted container (safe
 * under React StrictMode's mount–unmount–mount), resized with a ResizeObserver. It follows the
 * store by subscription: a new molecule (different atoms) rebuilds the model; a new geometry of the
 * same atoms moves the existing atoms in place, at most once per animation frame. 3Dmol is loaded
 * lazily (its own chunk).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { GLModel, GLViewer } from '3dmol';
import { useStore, type Molecule } from '../state/store';
import { symbolOf } from './elements';

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

const sameAtoms = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export interface Viewer3DProps {
  /** Accessible description of what is shown. */
  label?: string;
}

export function Viewer3D({ label = 'Molecule viewer' }: Viewer3DProps) {
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
        viewer.render();
        return;
      }
      viewer.removeAllModels();
      model = viewer.addModel(toXyz(m), 'xyz');
      model.setStyle({}, STYLE);
      shownZ = m.z;
      viewer.zoomTo();
      viewer.render();
    };

    import('3dmol')
      .then(($3Dmol) => {
        if (disposed) return;
        if (!viewerRef.current) {
          viewerRef.current = $3Dmol.createViewer(host, {
            backgroundColor: 'white',
            backgroundAlpha: 0,
            antialias: true,
          });
        }
        show(useStore.getState().molecule);
        // Geometry changes are drawn at most once per animation frame (the newest one wins), so a
        // burst of updates (a fast slider drag) costs one render, not one per update.
        let drawFrame = 0;
        unsubscribe = useStore.subscribe((s, prev) => {
          if (s.geometryVersion === prev.geometryVersion) return;
          cancelAnimationFrame(drawFrame);
          drawFrame = requestAnimationFrame(() => show(useStore.getState().molecule));
        });
        const unsubscribeStore = unsubscribe;
        unsubscribe = () => {
          cancelAnimationFrame(drawFrame);
          unsubscribeStore();
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
  }, [pushError]);

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
