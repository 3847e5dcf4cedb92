/**
 * Side-by-side comparison of experiments (e.g. sGDML [1/r] vs [1/r + ang], or sGDML vs GAP): learning
 * curves of every set on shared axes and a table of the best-fold errors at each training size.
 */
import { useMemo, useRef, useState } from 'react';
import { parseResults } from '../../eval/results';
import { resultsLabel } from '../../eval/report-svg';
import { useEvaluate } from '../../state/evaluate';
import { Chart } from './Chart';
import { compareFigure } from './figures';

const f3 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : '–');

export function ComparePanel() {
  const compare = useEvaluate((s) => s.compare);
  const addCompare = useEvaluate((s) => s.addCompare);
  const removeCompare = useEvaluate((s) => s.removeCompare);
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState('');
  const figE = useMemo(() => compareFigure(compare, 'eRmse'), [compare]);
  const figF = useMemo(() => compareFigure(compare, 'fRmse'), [compare]);
  const sizes = [...new Set(compare.flatMap((c) => c.results.summary.map((q) => q.size)))].sort(
    (a, b) => a - b,
  );

  const onFiles = async (files: FileList | null) => {
    setError('');
    for (const file of Array.from(files ?? [])) {
      try {
        const r = parseResults(await file.text(), file.name);
        addCompare(`${resultsLabel(r)} (${file.name})`, r);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    }
    if (fileRef.current) fileRef.current.value = '';
  };

  return (
    <section className="card" aria-labelledby="ev-compare-title" data-testid="ev-compare">
      <h2 id="ev-compare-title">Compare experiments</h2>
      <p className="muted">
        Add results with “Add to comparison” above, or load several results JSON files written by{' '}
        <code>npx pes experiment</code>.
      </p>
      <div className="row ev-actions">
        <button type="button" className="ghost" onClick={() => fileRef.current?.click()}>
          Load results to compare…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".json,application/json"
          multiple
          hidden
          onChange={(e) => void onFiles(e.target.files)}
          data-testid="ev-compare-load"
        />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {compare.length > 0 && (
        <>
          <ul className="ev-compare-list">
            {compare.map((c) => (
              <li key={c.id} data-testid="ev-compare-item">
                {c.label} · {c.results.folds.length} folds{' '}
                <button
                  type="button"
                  className="ghost"
                  onClick={() => removeCompare(c.id)}
                  aria-label={`Remove ${c.label} from the comparison`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="ev-plots">
            <Chart
              figure={figE}
              testId="ev-plot-compare-energy"
              height={300 + 40 * compare.length}
              label="Energy RMSE (kcal/mol) vs training size of every compared experiment"
            />
            <Chart
              figure={figF}
              testId="ev-plot-compare-force"
              height={300 + 40 * compare.length}
              label="Force RMSE (kcal/mol/Å) vs training size of every compared experiment"
            />
          </div>
          <table className="ev-table">
            <caption>Best-fold test RMSE: energy (kcal/mol) / force (kcal/mol/Å)</caption>
            <thead>
              <tr>
                <th scope="col">n</th>
                {compare.map((c) => (
                  <th key={c.id} scope="col">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sizes.map((n) => (
                <tr key={n}>
                  <td>{n}</td>
                  {compare.map((c) => {
                    const q = c.results.summary.find((x) => x.size === n);
                    return (
                      <td key={c.id}>
                        {f3(q?.best.eRmse)} / {f3(q?.best.fRmse)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
