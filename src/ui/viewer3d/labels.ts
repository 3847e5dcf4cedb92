/**
 * The key-coordinate labels of the 3D view, kept across frames: each frame only moves them (a sprite
 * position) and re-draws the text of those whose text changed, instead of removing and re-creating
 * every label (a canvas, a texture and a render each in 3Dmol).
 */
import type { GLViewer } from '3dmol';
import { dropLabel, reletter, type LabelLike } from './internals';

export interface LabelItem {
  text: string;
  position: { x: number; y: number; z: number };
  /** Everything but text and position (compared by identity of its JSON). */
  style: Record<string, unknown>;
}

export class LabelSet {
  private shown: { label: LabelLike; text: string; styleKey: string }[] = [];

  /** Makes the viewer's labels match `items` (no render). Returns how many were re-lettered. */
  sync(viewer: GLViewer, items: readonly LabelItem[]): number {
    let redrawn = 0;
    while (this.shown.length > items.length) dropLabel(viewer, this.shown.pop()!.label);
    items.forEach((it, k) => {
      const styleKey = JSON.stringify(it.style);
      const have = this.shown[k];
      if (have && have.styleKey === styleKey) {
        if (have.text !== it.text) {
          reletter(viewer, have.label, it.text, it.position);
          have.text = it.text;
          redrawn++;
        } else {
          have.label.stylespec.position = it.position;
          have.label.sprite.position.set(it.position.x, it.position.y, it.position.z);
        }
        return;
      }
      if (have) dropLabel(viewer, have.label);
      const label = viewer.addLabel(
        it.text,
        { ...it.style, position: it.position } as never,
        undefined,
        true,
      ) as unknown as LabelLike;
      this.shown[k] = { label, text: it.text, styleKey };
      redrawn++;
    });
    return redrawn;
  }

  /** Forgets the labels (after the viewer removed them itself, e.g. viewer.clear()). */
  reset(viewer?: GLViewer): void {
    if (viewer) for (const s of this.shown) dropLabel(viewer, s.label);
    this.shown = [];
  }
}
