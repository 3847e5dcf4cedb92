/**
 * Energy profile along the path (plotly, lazy): the reference at the computed points, each visible
 * model's continuous curve (with a ±1σ band for models that give a variance), the highest point of
 * each labelled, and a vertical marker at the slider position. The marker is an HTML element placed
 * with the plot's own axis mapping, so following the slider costs no plotly redraw (a relayout per
 * step took tens of ms). Clicking the plot moves the slider there.
 */
import { useEffect, useRef, useState } from 'react';
import { useExplorer, type ModelProfile } from '../../state/explorer';
import { useModels, type LoadedModel } from '../../state/models';
import type { ReactionPath } from '../../chem/pathInterp';
import { REF_COLOUR, setX } from './controller';
import { loadPlotly, type PlotlyApi } from '../plotly';
import { chartColours } from '../chartTheme';

interface PlotInternals {
  xaxis?: { l2p(v: number): number };
  _size?: { l: number; t: number; h: number };
}

export interface ProfileHandle {
  download(format: 'png' | 'svg'): Promise<void>;
}

function argmax(a: ArrayLike<number>) {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
}

function hexAlpha(hex: string, alpha: number) {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const v = parseInt(m[1], 16);
  return `rgba(${v >> 16},${(v >> 8) & 255},${v & 255},${alpha})`;
}

export function buildFigure(
  path: ReactionPath,
  models: LoadedModel[],
  profiles: Record<string, ModelProfile>,
) {
  const { text, grid } = chartColours();
  const u = path.driver.unit;
  const data: unknown[] = [];
  const annotations: unknown[] = [];
  const xs = Array.from(path.xs);
  const ref = path.points.map((p) => p.dE);
  data.push({
    type: 'scatter',
    mode: 'lines+markers',
    name: `reference (${path.theory.split(' (')[0] || 'xTB'})`,
    x: xs,
    y: ref,
    line: { color: REF_COLOUR, width: 1.5, dash: 'dot' },
    marker: { color: REF_COLOUR, size: 7 },
    hovertemplate: `%{x:.1f}${u}: %{y:.2f} kcal/mol<extra>reference</extra>`,
  });
  const dft = path.points.map((p) => p.Edft);
  if (dft[0] !== null && dft.filter((v) => v !== null).length >= 2) {
    const d0 = dft[0]!;
    const idx = dft.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: 'PBE-D3(BJ) single points',
      x: idx.map((i) => xs[i]),
      y: idx.map((i) => dft[i]! - d0),
      marker: { color: '#7a7a7a', size: 8, symbol: 'diamond-open' },
      hovertemplate: `%{x:.1f}${u}: %{y:.2f} kcal/mol<extra>DFT</extra>`,
    });
  }
  const kr = argmax(ref);
  annotations.push({
    x: xs[kr],
    y: ref[kr],
    text: `ref. highest point ${ref[kr].toFixed(1)}`,
    showarrow: true,
    arrowhead: 0,
    ax: 0,
    ay: -28,
    font: { size: 11, color: REF_COLOUR },
  });
  let curves = 0;
  models.forEach((m, i) => {
    const p = profiles[m.id];
    if (!m.visible || !p || p.pathId !== path.id || p.error || !p.E.length) return;
    curves++;
    const px = Array.from(p.x);
    const py = Array.from(p.E);
    if (p.sd) {
      const up = py.map((v, k) => v + p.sd![k]);
      const dn = py.map((v, k) => v - p.sd![k]);
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: [...px, ...px.slice().reverse()],
        y: [...up, ...dn.reverse()],
        fill: 'toself',
        fillcolor: hexAlpha(m.color, 0.18),
        line: { width: 0 },
        hoverinfo: 'skip',
        showlegend: false,
        name: `${m.label} ±1σ`,
      });
    }
    data.push({
      type: 'scatter',
      mode: 'lines',
      name: m.label,
      x: px,
      y: py,
      line: { color: m.color, width: 2 },
      hovertemplate: `%{x:.1f}${u}: %{y:.2f} kcal/mol<extra>${m.label}</extra>`,
    });
    const km = argmax(py);
    annotations.push({
      x: px[km],
      y: py[km],
      text: `max ${py[km].toFixed(1)}`,
      showarrow: true,
      arrowhead: 0,
      ax: 24 + 18 * i,
      ay: -18 - 16 * i,
      font: { size: 11, color: m.color },
    });
  });
  const layout = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: text, size: 12 },
    margin: { l: 60, r: 14, t: 16, b: 48 },
    height: 300,
    uirevision: path.id,
    showlegend: true,
    // below the x-axis title, growing downwards as rows are added (the plot area shrinks instead of the
    // legend covering the axis title)
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: -0.2, yanchor: 'top', font: { size: 11 } },
    xaxis: {
      title: { text: path.driver.label, standoff: 6 },
      gridcolor: grid,
      zeroline: false,
      autorange: path.xs[path.xs.length - 1] < path.xs[0] ? 'reversed' : true,
    },
    yaxis: { title: { text: 'E − E(start) (kcal/mol)' }, gridcolor: grid, zeroline: false },
    annotations,
  };
  return { data, layout, curves };
}

/** Puts the HTML marker at the slider value using the plot's axis mapping (no plotly call). */
function placeMarker(node: HTMLDivElement | null, mk: HTMLDivElement | null) {
  if (!node || !mk) return;
  const full = (node as unknown as { _fullLayout?: PlotInternals })._fullLayout;
  const x = useExplorer.getState().x;
  if (!full?.xaxis?.l2p || !full._size) {
    mk.hidden = true;
    return;
  }
  mk.hidden = false;
  mk.style.left = `${full._size.l + full.xaxis.l2p(x)}px`;
  mk.style.top = `${full._size.t}px`;
  mk.style.height = `${full._size.h}px`;
  node.dataset.markerX = String(x);
}

export function ProfilePlot({ handleRef }: { handleRef?: { current: ProfileHandle | null } }) {
  const el = useRef<HTMLDivElement>(null);
  const marker = useRef<HTMLDivElement>(null);
  const plotly = useRef<PlotlyApi | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const path = useExplorer((s) => s.path);
  const profiles = useExplorer((s) => s.profiles);
  const models = useModels((s) => s.models);

  // Full redraw when the path or the curves change.
  useEffect(() => {
    const node = el.current;
    if (!node || !path) return;
    let cancelled = false;
    loadPlotly()
      .then(async (P) => {
        if (cancelled) return;
        plotly.current = P;
        const { data, layout, curves } = buildFigure(path, models, profiles);
        await P.react(node, data, layout, {
          responsive: true,
          displaylogo: false,
          modeBarButtonsToRemove: ['select2d', 'lasso2d'],
        });
        node.dataset.curves = String(curves);
        placeMarker(node, marker.current);
        setState('ready');
        const withEvents = node as HTMLDivElement & {
          on?: (ev: string, cb: (e: { points?: { x: number }[] }) => void) => void;
          __pesClick?: boolean;
        };
        if (withEvents.on && !withEvents.__pesClick) {
          withEvents.__pesClick = true;
          withEvents.on('plotly_click', (e) => {
            const px = e.points?.[0]?.x;
            if (typeof px === 'number') setX(px);
          });
        }
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setState('error');
        setError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
    };
  }, [path, profiles, models]);

  useEffect(() => {
    const unsub = useExplorer.subscribe((s, p) => {
      if (s.x !== p.x) placeMarker(el.current, marker.current);
    });
    const onResize = () => requestAnimationFrame(() => placeMarker(el.current, marker.current));
    window.addEventListener('resize', onResize);
    return () => {
      unsub();
      window.removeEventListener('resize', onResize);
    };
  }, []);

  useEffect(() => {
    if (!handleRef) return;
    handleRef.current = {
      async download(format) {
        const node = el.current;
        const P = plotly.current ?? (await loadPlotly());
        const id = useExplorer.getState().pathId ?? 'path';
        if (node) await P.downloadImage(node, { format, filename: `profile-${id}`, width: 900, height: 500 });
      },
    };
    return () => {
      handleRef.current = null;
    };
  }, [handleRef]);

  useEffect(() => {
    const node = el.current;
    return () => {
      if (node && plotly.current) plotly.current.purge(node);
    };
  }, []);

  return (
    <section className="card profile-card" aria-labelledby="profile-title">
      <h2 id="profile-title">Energy profile</h2>
      <div className="profile-wrap">
        <div
          ref={el}
          className="profile-plot"
          data-testid="profile"
          data-state={state}
          // a figure, not an image: plotly's mode bar inside it has buttons
          role="figure"
          aria-label={
            path ? `Energy along the ${path.id} path: reference points and model curves` : 'Energy profile'
          }
        />
        <div ref={marker} className="profile-marker" hidden data-testid="profile-marker" aria-hidden="true" />
      </div>
      {state === 'loading' && <p className="muted">Loading the plot…</p>}
      {state === 'error' && <p className="path-error">The plot could not be drawn: {error}</p>}
    </section>
  );
}
