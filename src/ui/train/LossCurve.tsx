/**
 * Live NN loss curve: train and validation mean squared errors of energy and force per epoch, log y
 * axis (plotly, lazy-loaded). Below it a compact table of the epochs for keyboard/screen-reader users.
 */
import { useEffect, useRef, useState } from 'react';
import type { EpochPoint } from '../../compute/trainTasks';
import { drawChart, loadPlotly } from '../plotly';
import { chartColours } from '../chartTheme';
import { withLogTicks } from '../logTicks';

const COLORS = { e: '#2563eb', f: '#d62728' };

export function LossCurve({ epochs }: { epochs: EpochPoint[] }) {
  const el = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node || epochs.length === 0) return;
    const { text, grid } = chartColours();
    const x = epochs.map((e) => e.epoch);
    const trace = (name: string, y: number[], color: string, dash: string) => ({
      type: 'scatter',
      mode: epochs.length < 30 ? 'lines+markers' : 'lines',
      name,
      x,
      y,
      line: { color, dash, width: 2 },
      marker: { size: 5 },
    });
    const data = [
      trace(
        'train MSE(E) (kcal/mol)²',
        epochs.map((e) => e.trainMseE),
        COLORS.e,
        'solid',
      ),
      trace(
        'validation MSE(E) (kcal/mol)²',
        epochs.map((e) => e.validMseE),
        COLORS.e,
        'dot',
      ),
      trace(
        'train MSE(F) (kcal/mol/Å)²',
        epochs.map((e) => e.trainMseF),
        COLORS.f,
        'solid',
      ),
      trace(
        'validation MSE(F) (kcal/mol/Å)²',
        epochs.map((e) => e.validMseF),
        COLORS.f,
        'dot',
      ),
    ];
    const layout = {
      title: { text: 'Training loss', font: { size: 14 } },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { color: text, size: 12 },
      margin: { l: 70, r: 16, t: 40, b: 56 },
      height: 330,
      legend: { orientation: 'h', y: -0.3, yanchor: 'top', font: { size: 10 } },
      xaxis: { title: { text: 'epoch' }, gridcolor: grid, zeroline: false, rangemode: 'tozero' },
      yaxis: {
        title: { text: 'MSE: E (kcal/mol)², F (kcal/mol/Å)²' },
        type: 'log',
        gridcolor: grid,
      },
    };
    // full numbers at 1-2-5 steps instead of plotly's bare minor digits on a log axis
    withLogTicks({ data, layout });
    return drawChart(node, data, layout, (error) => {
      setState(error === undefined ? 'ready' : 'error');
      if (error !== undefined) setError(error);
    });
  }, [epochs]);

  useEffect(() => {
    const node = el.current;
    return () => {
      if (node)
        loadPlotly().then(
          (Plotly) => Plotly.purge(node),
          () => undefined,
        );
    };
  }, []);

  const first = epochs[0];
  const last = epochs[epochs.length - 1];
  return (
    <figure
      className="train-curve"
      data-testid="train-loss-curve"
      data-state={state}
      data-epochs={epochs.length}
      data-first-train-loss={first?.trainLoss}
      data-last-train-loss={last?.trainLoss}
      data-first-valid-loss={first?.validLoss}
      data-last-valid-loss={last?.validLoss}
    >
      <div
        ref={el}
        className="train-curve-area"
        role="img"
        aria-label="Training and validation mean squared errors of energy and forces against epoch, log scale"
      />
      {error && <figcaption className="train-error">Could not draw the loss curve: {error}</figcaption>}
      {first && last && (
        <figcaption className="hint" data-testid="train-loss-summary">
          Epoch {first.epoch}: train loss {first.trainLoss.toPrecision(4)}, validation loss{' '}
          {first.validLoss.toPrecision(4)} → epoch {last.epoch}: train loss{' '}
          <span data-testid="train-loss-last">{last.trainLoss.toPrecision(4)}</span>, validation loss{' '}
          {last.validLoss.toPrecision(4)} (loss = ρ·MSE(E) + (1 − ρ)·MSE(F)); {last.numTensors} tensors.
        </figcaption>
      )}
      <table className="train-epochs" aria-label="Loss per epoch">
        <thead>
          <tr>
            <th scope="col">epoch</th>
            <th scope="col">train loss</th>
            <th scope="col">validation loss</th>
            <th scope="col">learning rate</th>
          </tr>
        </thead>
        <tbody>
          {epochs.slice(-8).map((e) => (
            <tr
              key={e.epoch}
              data-testid="train-epoch-row"
              data-epoch={e.epoch}
              data-train-loss={e.trainLoss}
              data-valid-loss={e.validLoss}
            >
              <td>{e.epoch}</td>
              <td>{e.trainLoss.toPrecision(4)}</td>
              <td>{e.validLoss.toPrecision(4)}</td>
              <td>{e.lr.toExponential(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
