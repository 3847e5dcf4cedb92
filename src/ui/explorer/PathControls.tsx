/**
 * Path selector, the slider over the driving coordinate (mouse and keyboard: arrows ±1 unit,
 * PageUp/PageDown to the next computed point, Home/End to the ends), step and play/pause buttons.
 */
import type { KeyboardEvent } from 'react';
import { xRange } from '../../chem/pathInterp';
import { useExplorer } from '../../state/explorer';
import { selectPath, setS, setX, startPlaying, stopPlaying } from './controller';

export function PathControls() {
  const paths = useExplorer((s) => s.paths);
  const pathId = useExplorer((s) => s.pathId);
  const path = useExplorer((s) => s.path);
  const x = useExplorer((s) => s.x);
  const s = useExplorer((st) => st.s);
  const playing = useExplorer((st) => st.playing);
  const status = useExplorer((st) => st.status);
  const error = useExplorer((st) => st.pathError);

  const [lo, hi] = path ? xRange(path) : [0, 1];
  const n = path ? path.points.length - 1 : 1;
  const inc = path ? path.xs[n] > path.xs[0] : true;

  // Keys move along the path (start → end), which is also left → right on screen: decreasing
  // coordinates (glycine's τ 180° → 0°) use a right-to-left slider.
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!path) return;
    const sign = inc ? 1 : -1;
    const forward = (k: string) => ['ArrowRight', 'ArrowUp', 'PageUp', 'End'].includes(k);
    switch (e.key) {
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'ArrowUp':
      case 'ArrowDown':
        setX(x + sign * (forward(e.key) ? 1 : -1) * (e.shiftKey ? 10 : 1));
        break;
      case 'PageUp':
        setS(Math.floor(s + 1e-6) + 1);
        break;
      case 'PageDown':
        setS(Math.ceil(s - 1e-6) - 1);
        break;
      case 'Home':
        setS(0);
        break;
      case 'End':
        setS(n);
        break;
      default:
        return;
    }
    stopPlaying();
    e.preventDefault();
  };

  return (
    <section className="card explorer-controls" aria-labelledby="path-title">
      <h2 id="path-title">Path</h2>
      <label className="field">
        <span>Reaction path</span>
        <select
          value={pathId ?? ''}
          onChange={(e) => void selectPath(e.target.value)}
          data-testid="path-select"
          disabled={!paths.length}
        >
          {paths.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {status === 'loading' && <p className="muted">Loading the path…</p>}
      {status === 'error' && (
        <p className="path-error" role="alert" data-testid="path-error">
          {error}
        </p>
      )}
      {path && (
        <>
          <label className="field" htmlFor="path-slider">
            <span>
              {path.driver.label}
              {path.driver.note && <span className="muted small"> ({path.driver.note})</span>}
            </span>
          </label>
          <div className="slider-row">
            <span className="slider-end">{`${path.xs[0].toFixed(0)}${path.driver.unit}`}</span>
            <input
              id="path-slider"
              type="range"
              min={lo}
              max={hi}
              step={0.1}
              value={x}
              onChange={(e) => {
                stopPlaying();
                setX(Number(e.target.value));
              }}
              onKeyDown={onKeyDown}
              aria-valuetext={`${path.driver.symbol} = ${x.toFixed(1)}${path.driver.unit}, point ${s.toFixed(2)} of ${n}`}
              data-testid="path-slider"
              style={inc ? undefined : { direction: 'rtl' }}
            />
            <span className="slider-end">{`${path.xs[n].toFixed(0)}${path.driver.unit}`}</span>
          </div>
          <div className="row">
            <button
              type="button"
              onClick={() => setS(Math.ceil(s - 1e-6) - 1)}
              disabled={s <= 0}
              aria-label="Previous computed point"
            >
              ◀ point
            </button>
            <button
              type="button"
              onClick={() => (playing ? stopPlaying() : startPlaying())}
              aria-pressed={playing}
              data-testid="play"
            >
              {playing ? '❚❚ Pause' : '▶ Play'}
            </button>
            <button
              type="button"
              onClick={() => setS(Math.floor(s + 1e-6) + 1)}
              disabled={s >= n}
              aria-label="Next computed point"
            >
              point ▶
            </button>
          </div>
          <p className="muted small">
            {path.startLabel} → {path.endLabel}; {path.points.length} computed points ({path.method}). Between
            points the geometry is interpolated with bond lengths and angles kept between their neighbours’.
          </p>
        </>
      )}
    </section>
  );
}
