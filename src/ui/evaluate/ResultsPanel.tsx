/**
 * Results of an experiment: summary and per-fold tables (numbers carry data-testid attributes), learning
 * curves, parity plots, Fig. 7-style cluster errors (click a bar for a representative geometry), energy
 * along the reference paths, downloads (JSON, CSV, SVG) and "use best model".
 */
import { useMemo, useState } from 'react';
import type { ExperimentResults } from '../../eval/results';
import { resultsToCsv, resultsToJson } from '../../eval/results';
import {
  clusterBarsSvg,
  experimentClusterBars,
  learningCurvesSvg,
  resultsLabel,
} from '../../eval/report-svg';
import { Chart } from './Chart';
import {
  clusterFigure,
  errorVsEnergyFigure,
  learningCurveFigure,
  parityFigure,
  pathFigure,
  resultsTitle,
  type ClusterFigureOptions,
} from './figures';
import { useEvaluate } from '../../state/evaluate';
import { useDatasets } from '../../state/datasets';
import { addBestModel, showClusterGeometry } from './runner';
import { downloadText } from './download';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

function stem(res: ExperimentResults) {
  const ds = res.spec.dataset.name.replace(/\.[^.]*$/, '').replace(/[^\w-]+/g, '_');
  return `${ds}-${res.spec.model}-seed${res.spec.seed}`;
}

export function ResultsPanel({ res }: { res: ExperimentResults }) {
  const source = useEvaluate((s) => s.source);
  const size = useEvaluate((s) => s.size) ?? res.summary.at(-1)?.size ?? 0;
  const setSize = useEvaluate((s) => s.setSize);
  const addCompare = useEvaluate((s) => s.addCompare);
  const running = useEvaluate((s) => s.run.status === 'running' || s.run.status === 'cancelling');
  const datasets = useDatasets((s) => s.datasets);
  const selectedId = useDatasets((s) => s.selectedId);
  const rec = datasets.find((d) => d.id === selectedId);
  const [modelStatus, setModelStatus] = useState('');
  const [clusterOpts, setClusterOpts] = useState<Omit<ClusterFigureOptions, 'which' | 'size'>>({
    metric: 'eRmse',
    stat: 'best',
  });
  const [clusterNote, setClusterNote] = useState('');

  const lcE = useMemo(() => learningCurveFigure(res, 'eRmse'), [res]);
  const lcF = useMemo(() => learningCurveFigure(res, 'fRmse'), [res]);
  const parE = useMemo(() => parityFigure(res, size, 'e'), [res, size]);
  const parF = useMemo(() => parityFigure(res, size, 'f'), [res, size]);
  const phi = useMemo(
    () => clusterFigure(res, { which: 'phi', size, ...clusterOpts }),
    [res, size, clusterOpts],
  );
  const geo = useMemo(
    () => clusterFigure(res, { which: 'geometry', size, ...clusterOpts }),
    [res, size, clusterOpts],
  );
  const path = useMemo(() => pathFigure(res, size), [res, size]);
  const evE = useMemo(() => errorVsEnergyFigure(res, size), [res, size]);
  const summary = res.summary.find((q) => q.size === size);

  const onCluster = (which: 'phi' | 'geometry') => (i: number) => {
    if (!rec) return;
    void showClusterGeometry(rec, res, which, i, setClusterNote);
  };

  return (
    <section className="card ev-results" aria-labelledby="ev-results-title" data-testid="ev-results">
      <h2 id="ev-results-title">Results: {resultsTitle(res)}</h2>
      <p className="muted" data-testid="ev-source">
        {source?.kind === 'file'
          ? `Loaded from ${source.label}`
          : `Computed in this browser on ${source?.label ?? res.spec.dataset.name}`}
        {' · '}
        {res.folds.length} of {res.spec.sizes.length * res.spec.folds} folds finished · dataset{' '}
        {res.spec.dataset.name}
        {res.spec.dataset.md5 ? ` (md5 ${res.spec.dataset.md5.slice(0, 8)}…)` : ''} · params{' '}
        {JSON.stringify(res.spec.params)}
      </p>
      {(source?.command || res.environment?.command) && (
        <p className="ev-command">
          Same experiment on the command line:{' '}
          <code data-testid="ev-command">{source?.command ?? res.environment?.command}</code>
        </p>
      )}
      <div className="row ev-actions">
        <button
          type="button"
          onClick={() =>
            addCompare(`${resultsLabel(res)}${source?.kind === 'file' ? ` (${source.label})` : ''}`, res)
          }
          data-testid="ev-add-compare"
        >
          Add to comparison
        </button>
        <button
          type="button"
          onClick={() => downloadText(`${stem(res)}.json`, resultsToJson(res), 'application/json')}
          data-testid="ev-download-json"
        >
          Download JSON
        </button>
        <button
          type="button"
          onClick={() => downloadText(`${stem(res)}.csv`, resultsToCsv(res), 'text/csv')}
          data-testid="ev-download-csv"
        >
          Download CSV
        </button>
        <button
          type="button"
          onClick={() =>
            downloadText(
              `${stem(res)}-learning-curves.svg`,
              learningCurvesSvg([{ results: res }]),
              'image/svg+xml',
            )
          }
        >
          Learning curves SVG
        </button>
        {res.spec.phiAtoms && (
          <button
            type="button"
            onClick={() =>
              downloadText(
                `${stem(res)}-phi-clusters-n${size}.svg`,
                clusterBarsSvg(experimentClusterBars(res, 'phi', size, clusterOpts.stat), {
                  title: `${resultsTitle(res)}, n = ${size}`,
                  xLabel: '|φ| cluster',
                }),
                'image/svg+xml',
              )
            }
          >
            φ clusters SVG
          </button>
        )}
      </div>

      <h3>Learning curves</h3>
      <div className="ev-plots">
        <Chart
          figure={lcE}
          testId="ev-plot-lc-energy"
          label="Test energy RMSE (kcal/mol) vs training size, log–log"
        />
        <Chart
          figure={lcF}
          testId="ev-plot-lc-force"
          label="Test force RMSE (kcal/mol/Å) vs training size, log–log"
        />
      </div>

      <table className="ev-table" data-testid="ev-summary">
        <caption>
          Test errors per training size: best fold (sGDML rule: lowest force RMSE unless a fold within 0.1
          kcal/mol/Å has a clearly lower energy RMSE; other models: lowest energy RMSE) and mean ± sd over
          folds
        </caption>
        <thead>
          <tr>
            <th scope="col">n</th>
            <th scope="col">folds</th>
            <th scope="col">best fold</th>
            <th scope="col">E RMSE best (kcal/mol)</th>
            <th scope="col">E RMSE mean ± sd</th>
            <th scope="col">F RMSE best (kcal/mol/Å)</th>
            <th scope="col">F RMSE mean ± sd</th>
          </tr>
        </thead>
        <tbody>
          {res.summary.map((q) => (
            <tr key={q.size} data-testid="ev-summary-row" data-size={q.size} data-best-fold={q.bestFold}>
              <td>{q.size}</td>
              <td>
                {q.nFolds}/{res.spec.folds}
              </td>
              <td>{q.bestFold + 1}</td>
              <td>{f3(q.best.eRmse)}</td>
              <td>
                {f3(q.mean.eRmse.mean)} ± {f3(q.mean.eRmse.std)}
              </td>
              <td>{f3(q.best.fRmse)}</td>
              <td>
                {f3(q.mean.fRmse.mean)} ± {f3(q.mean.fRmse.std)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="row ev-size-row">
        <label htmlFor="ev-size">Training size for the plots below</label>
        <select
          id="ev-size"
          value={size}
          onChange={(e) => setSize(Number(e.target.value))}
          data-testid="ev-size"
        >
          {res.summary.map((q) => (
            <option key={q.size} value={q.size}>
              n = {q.size}
            </option>
          ))}
        </select>
        {summary && (
          <button
            type="button"
            disabled={!rec || running}
            onClick={() => rec && void addBestModel(rec, size, setModelStatus)}
            title={
              rec
                ? `Adds fold ${summary.bestFold + 1}'s model to the models of every tab`
                : 'Select the dataset first'
            }
            data-testid="ev-use-best"
          >
            Use best model (n = {size}, fold {summary.bestFold + 1})
          </button>
        )}
        <span className="muted" aria-live="polite" data-testid="ev-model-status">
          {modelStatus}
        </span>
      </div>

      <h3>Parity (best fold, test frames)</h3>
      <div className="ev-plots">
        {parE ? (
          <Chart
            figure={parE}
            testId="ev-plot-parity-energy"
            label="Predicted vs reference energy (kcal/mol)"
            height={360}
          />
        ) : (
          <p className="muted">No parity data for n = {size}.</p>
        )}
        {parF && (
          <Chart
            figure={parF}
            testId="ev-plot-parity-force"
            label="Predicted vs reference force components (kcal/mol/Å)"
            height={360}
          />
        )}
      </div>

      {evE && (
        <div className="ev-plots ev-plots-wide">
          <Chart
            figure={evE}
            testId="ev-plot-error-energy"
            label="Test energy and force RMSE vs reference energy (kcal/mol)"
          />
        </div>
      )}

      {(phi || geo) && (
        <>
          <h3>Errors per cluster (Fig. 7)</h3>
          <div className="row">
            <label>
              Error{' '}
              <select
                value={clusterOpts.metric}
                onChange={(e) =>
                  setClusterOpts((o) => ({ ...o, metric: e.target.value as 'eRmse' | 'fRmse' }))
                }
                data-testid="ev-cluster-metric"
              >
                <option value="eRmse">energy RMSE (kcal/mol)</option>
                <option value="fRmse">force RMSE (kcal/mol/Å)</option>
              </select>
            </label>
            <label>
              Of{' '}
              <select
                value={clusterOpts.stat}
                onChange={(e) => setClusterOpts((o) => ({ ...o, stat: e.target.value as 'best' | 'mean' }))}
              >
                <option value="best">the best fold</option>
                <option value="mean">the mean over folds</option>
              </select>
            </label>
            <span className="muted">Click a bar to see a geometry of that cluster in the Explore tab.</span>
          </div>
          <p className="muted" aria-live="polite" data-testid="ev-cluster-note">
            {clusterNote}
            {/ Explore tab\.$/.test(clusterNote) && (
              <>
                {' '}
                <a href="#explore">Open Explore</a>
              </>
            )}
          </p>
          <div className="ev-plots ev-plots-wide">
            {phi && (
              <Chart
                figure={phi}
                testId="ev-plot-phi"
                label="Test error per φ cluster (10° bins) with the population (%)"
                onPointClick={onCluster('phi')}
              />
            )}
            {geo && (
              <Chart
                figure={geo}
                testId="ev-plot-geometry"
                label="Test error per geometry cluster with the population (%)"
                onPointClick={onCluster('geometry')}
              />
            )}
          </div>
        </>
      )}

      {path && (
        <>
          <h3>Along the reference paths</h3>
          <div className="ev-plots ev-plots-wide">
            <Chart
              figure={path}
              testId="ev-plot-paths"
              label="Energy along the reference paths (kcal/mol), reference and model"
              height={380}
            />
          </div>
        </>
      )}

      <details className="ev-folds">
        <summary>Every fold</summary>
        <table className="ev-table" data-testid="ev-folds">
          <thead>
            <tr>
              <th scope="col">n</th>
              <th scope="col">fold</th>
              <th scope="col">test frames</th>
              <th scope="col">E RMSE (kcal/mol)</th>
              <th scope="col">E MAE</th>
              <th scope="col">F RMSE (kcal/mol/Å)</th>
              <th scope="col">F MAE</th>
              <th scope="col">train (s)</th>
            </tr>
          </thead>
          <tbody>
            {res.folds.map((f) => (
              <tr
                key={`${f.size}-${f.fold}`}
                data-testid="ev-fold-row"
                data-size={f.size}
                data-fold={f.fold}
                data-e-rmse={String(f.test.eRmse)}
                data-f-rmse={String(f.test.fRmse)}
                data-train-idx={f.trainIdx.join(',')}
              >
                <td>{f.size}</td>
                <td>{f.fold + 1}</td>
                <td>{f.nTest}</td>
                <td>{f3(f.test.eRmse)}</td>
                <td>{f3(f.test.eMae)}</td>
                <td>{f3(f.test.fRmse)}</td>
                <td>{f3(f.test.fMae)}</td>
                <td>{f.trainSeconds.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
