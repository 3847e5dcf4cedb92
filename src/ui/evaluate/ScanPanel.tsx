/**
 * Results of a GAP cutoff scan (paper Fig. 6a): test energy and force RMSE against the SOAP cutoff, a
 * table per cutoff (numbers carry data-testid attributes), the SVG of `pes experiment --cutoff-scan`,
 * and "show" to open one cutoff's full results in the results panel below.
 */
import { useMemo, useState } from 'react';
import { cutoffScanPoints, cutoffScanSvg, scanFoldsText } from '../../eval/cutoff-scan';
import { resultsToJson } from '../../eval/results';
import { useEvaluate } from '../../state/evaluate';
import { Chart } from './Chart';
import { downloadText } from './download';
import { cutoffScanFigure } from './figures';
import { useScan } from './scanStore';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');

export function ScanPanel() {
  const scan = useScan((s) => s.scan);
  const source = useScan((s) => s.source);
  const [picked, setPicked] = useState<number | null>(null);
  const done = useMemo(() => (scan ?? []).filter((e) => e.results.summary.length > 0), [scan]);
  // sizes every finished cutoff has, largest first by default
  const sizes = useMemo(() => {
    if (!done.length) return [];
    const sets = done.map((e) => new Set(e.results.summary.map((q) => q.size)));
    return [...sets[0]].filter((n) => sets.every((s) => s.has(n))).sort((a, b) => a - b);
  }, [done]);
  const size = picked !== null && sizes.includes(picked) ? picked : (sizes.at(-1) ?? 0);
  const figE = useMemo(() => cutoffScanFigure(done, size, 'eRmse'), [done, size]);
  const figF = useMemo(() => cutoffScanFigure(done, size, 'fRmse'), [done, size]);
  if (!scan || !done.length) return null;
  const spec = done[0].results.spec;
  const points = cutoffScanPoints(
    done.map((e) => e.results),
    size,
  );
  const stem = `${spec.dataset.name.replace(/\.[^.]*$/, '').replace(/[^\w-]+/g, '_')}-gap-cutoff-scan`;

  return (
    <section className="card ev-results" aria-labelledby="ev-scan-title" data-testid="ev-scan-results">
      <h2 id="ev-scan-title">GAP/SOAP cutoff scan (Fig. 6a)</h2>
      <p className="muted" data-testid="ev-scan-source">
        Computed in this browser on {source?.label ?? spec.dataset.name} · {done.length} of {scan.length}{' '}
        cutoffs with results · {spec.folds} folds, sizes {spec.sizes.join(', ')}
      </p>
      {source?.command && (
        <p className="ev-command">
          Same scan on the command line: <code data-testid="ev-scan-command">{source.command}</code>
        </p>
      )}
      <div className="row ev-actions">
        {sizes.length > 1 && (
          <label>
            Training size{' '}
            <select
              value={size}
              onChange={(e) => setPicked(Number(e.target.value))}
              data-testid="ev-scan-size"
            >
              {sizes.map((n) => (
                <option key={n} value={n}>
                  n = {n}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          disabled={points.length < 2}
          title={points.length < 2 ? 'needs two cutoffs with results' : undefined}
          onClick={() =>
            downloadText(
              `${stem}.svg`,
              cutoffScanSvg(
                points,
                `GAP/SOAP on ${spec.dataset.name}, n = ${size}, ${scanFoldsText(points, spec.folds)}, against the SOAP cutoff (paper Fig. 6a)`,
              ),
              'image/svg+xml',
            )
          }
          data-testid="ev-scan-download-svg"
        >
          Scan SVG
        </button>
      </div>
      <div className="ev-plots">
        <Chart
          figure={figE}
          testId="ev-plot-scan-energy"
          label="Test energy RMSE (kcal/mol) vs SOAP cutoff (Å)"
        />
        <Chart
          figure={figF}
          testId="ev-plot-scan-force"
          label="Test force RMSE (kcal/mol/Å) vs SOAP cutoff (Å)"
        />
      </div>
      <table className="ev-table" data-testid="ev-scan-table">
        <caption>
          Test errors per SOAP cutoff at n = {size}: best fold (lowest energy RMSE) and mean ± sd over folds
        </caption>
        <thead>
          <tr>
            <th scope="col">cutoff (Å)</th>
            <th scope="col">folds</th>
            <th scope="col">E RMSE best (kcal/mol)</th>
            <th scope="col">E RMSE mean ± sd</th>
            <th scope="col">F RMSE best (kcal/mol/Å)</th>
            <th scope="col">F RMSE mean ± sd</th>
            <th scope="col">results</th>
          </tr>
        </thead>
        <tbody>
          {done.map(({ cutoff, results }) => {
            const q = results.summary.find((x) => x.size === size);
            return (
              <tr
                key={cutoff}
                data-testid="ev-scan-row"
                data-cutoff={cutoff}
                data-e-rmse={q ? String(q.best.eRmse) : ''}
                data-f-rmse={q ? String(q.best.fRmse) : ''}
              >
                <td>{cutoff}</td>
                <td>
                  {q?.nFolds ?? 0}/{results.spec.folds}
                </td>
                <td>{q ? f3(q.best.eRmse) : '–'}</td>
                <td>{q ? `${f3(q.mean.eRmse.mean)} ± ${f3(q.mean.eRmse.std)}` : '–'}</td>
                <td>{q ? f3(q.best.fRmse) : '–'}</td>
                <td>{q ? `${f3(q.mean.fRmse.mean)} ± ${f3(q.mean.fRmse.std)}` : '–'}</td>
                <td className="ev-inline">
                  <button
                    type="button"
                    className="ghost"
                    onClick={() =>
                      useEvaluate.getState().setResults(results, {
                        kind: 'run',
                        label: `${source?.label ?? spec.dataset.name}, cutoff ${cutoff} Å`,
                        datasetId: source?.datasetId,
                      })
                    }
                    data-testid="ev-scan-show"
                  >
                    Show
                  </button>
                  <button
                    type="button"
                    className="ghost"
                    onClick={() =>
                      downloadText(`${stem}-rc${cutoff}.json`, resultsToJson(results), 'application/json')
                    }
                  >
                    JSON
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
