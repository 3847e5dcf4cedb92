/**
 * The read-out at the slider position: driving coordinate, the key coordinates of the geometry on
 * screen, the reference energy (at computed points; "—" between them), and per visible model its
 * energy (± GP standard deviation where given) and its force RMSE against the reference at the
 * computed point and over the whole path.
 */
import { useState } from 'react';
import { computedPointAt } from '../../chem/pathInterp';
import { formatCoord, measure } from '../../chem/keyCoords';
import { useExplorer } from '../../state/explorer';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { studyCatalogue } from '../study/studyFiles';
import { showStudyModel } from './StudyModelPicker';
import { studyModelsFor } from './studyModels';

/** With no model shown: one click shows the study's first model for this path (Models card: the others). */
function NoModelHint() {
  const pathId = useExplorer((st) => st.pathId);
  const [busy, setBusy] = useState(false);
  const run = studyModelsFor(studyCatalogue.runs, pathId)[0];
  return (
    <div className="no-model" data-testid="no-model">
      <p className="muted small">No model shown: train or load one to compare.</p>
      {run && (
        <button
          type="button"
          className="ghost small"
          disabled={busy}
          aria-busy={busy}
          onClick={() => {
            setBusy(true);
            void showStudyModel(run).finally(() => setBusy(false));
          }}
          data-testid="no-model-show-study"
        >
          {busy ? 'Loading…' : `Show the study's ${run.label} model (${run.dataset})`}
        </button>
      )}
    </div>
  );
}

const fmt = (v: number | undefined, d = 2) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));

export function ReadOut() {
  const path = useExplorer((s) => s.path);
  const x = useExplorer((s) => s.x);
  const s = useExplorer((st) => st.s);
  const current = useExplorer((st) => st.current);
  const profiles = useExplorer((st) => st.profiles);
  const models = useModels((st) => st.models);
  const molecule = useStore((st) => st.molecule);
  if (!path) return null;
  const k = computedPointAt(s);
  const R = molecule && molecule.R.length === path.nAtoms * 3 ? molecule.R : null;
  const shown = models.filter((m) => m.visible);
  return (
    <section className="card" aria-labelledby="readout-title" data-testid="readout" data-s={s.toFixed(4)}>
      <h2 id="readout-title">Read-out</h2>
      <dl className="facts">
        <dt>{path.driver.symbol}</dt>
        <dd data-testid="readout-x">
          {x.toFixed(1)}
          {path.driver.unit}
        </dd>
        <dt>Point</dt>
        <dd data-testid="readout-point">
          {k >= 0 ? `${k} (computed)` : `between ${Math.floor(s)} and ${Math.floor(s) + 1} (interpolated)`}
        </dd>
        <dt>Geometry</dt>
        <dd data-testid="readout-coords">
          {R ? path.keyCoords.map((c) => formatCoord(c, measure(R, c))).join(', ') : '…'}
        </dd>
        <dt>E_ref − E_start</dt>
        <dd data-testid="readout-eref">{k >= 0 ? `${fmt(path.points[k].dE)} kcal/mol` : '—'}</dd>
      </dl>
      {shown.length > 0 && (
        <table className="readout-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">E − E_start (kcal/mol)</th>
              <th scope="col">F RMSE here (kcal/mol/Å)</th>
              <th scope="col">F RMSE path</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => {
              const c = current[m.id];
              const p = profiles[m.id]?.pathId === path.id ? profiles[m.id] : undefined;
              const err = p?.error ?? c?.error;
              return (
                <tr key={m.id} data-testid={`readout-model-${m.id}`}>
                  <th scope="row">
                    <span className="swatch" style={{ background: m.color }} aria-hidden="true" />
                    {m.label}
                  </th>
                  {err ? (
                    <td colSpan={3} className="model-error">
                      {err}
                    </td>
                  ) : (
                    <>
                      <td
                        data-testid={`readout-e-${m.id}`}
                        data-s={c && c.pathId === path.id ? c.s.toFixed(4) : undefined}
                        // the answer for an earlier slider position, until this one's arrives
                        className={
                          c && c.pathId === path.id && Math.abs(c.s - s) > 1e-6 ? 'stale' : undefined
                        }
                      >
                        {c && c.pathId === path.id ? fmt(c.E) : '…'}
                        {c?.sd !== undefined && ` ± ${fmt(c.sd)}`}
                      </td>
                      <td>{k >= 0 && p ? fmt(p.pointFRmse[k]) : '—'}</td>
                      <td>{p ? fmt(p.fRmse) : '…'}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {shown.length === 0 && <NoModelHint />}
    </section>
  );
}
