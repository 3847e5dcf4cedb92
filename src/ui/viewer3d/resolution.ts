/**
 * Dynamic resolution for the 3D view: while the geometry changes in a burst (a slider drag, play,
 * held arrow keys) the viewer draws at a fraction of its pixel ratio, and at full resolution again a
 * moment after the last change. Software WebGL (SwiftShader, llvmpipe) pays per pixel, so a half
 * ratio costs about a quarter of the fill.
 *
 * 3Dmol sizes its drawing buffer from window.devicePixelRatio inside renderer.setSize (doubling it
 * when antialiasing is on). This wraps that call so that, while reduced, it sees the reduced ratio
 * and no doubling; the canvas keeps its CSS size, so the page layout does not move.
 */
import type { GLViewer } from '3dmol';
import { rendererOf } from './internals';

export class DynamicResolution {
  private factor = 1;
  private readonly ok: boolean;

  constructor(
    private readonly viewer: GLViewer,
    private readonly host: HTMLElement,
    private readonly reducedFactor = 0.5,
  ) {
    const r = rendererOf(viewer) as (ReturnType<typeof rendererOf> & { _upscale?: unknown }) | null;
    this.ok = !!r;
    if (!r) return;
    const base = r.setSize.bind(r);
    r.setSize = (w: number, h: number) => {
      if (this.factor === 1) return base(w, h);
      const own = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
      // Relative to the ratio 3Dmol would use (at least 2 when it upscales for antialiasing).
      const upscale = r._upscale;
      const dpr = window.devicePixelRatio || 1;
      const ratio = (upscale && dpr < 2 ? 2 : dpr) * this.factor;
      try {
        Object.defineProperty(window, 'devicePixelRatio', { value: ratio, configurable: true });
        r._upscale = false;
        base(w, h);
      } finally {
        r._upscale = upscale;
        if (own) Object.defineProperty(window, 'devicePixelRatio', own);
        else delete (window as { devicePixelRatio?: number }).devicePixelRatio;
      }
    };
  }

  get reduced(): boolean {
    return this.factor !== 1;
  }

  /** Switches between the reduced and the full pixel ratio (no render). True when it changed. */
  set(reduced: boolean): boolean {
    const f = reduced ? this.reducedFactor : 1;
    if (!this.ok || f === this.factor) return false;
    this.factor = f;
    const w = this.host.offsetWidth;
    const h = this.host.offsetHeight;
    if (w > 0 && h > 0) rendererOf(this.viewer)!.setSize(w, h);
    return true;
  }
}
