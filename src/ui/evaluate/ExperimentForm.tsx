/** The experiment form of the Evaluate tab: dataset, model and its options, sizes, folds, seed, clusters, paths. */
import { useId } from 'react';
import { getModelEntry, modelKinds } from '../../models/registry';
import type { PathSource } from '../../compute/evalTasks';
import { defaultSizes } from '../../eval/experiment-spec';
import { useDatasets, type DatasetRecord } from '../../state/datasets';
import { useEvaluate } from '../../state/evaluate';
import { parseCutoffScan } from '../../eval/cutoff-scan';
import { useScan } from './scanStore';
import { DatasetOptions } from '../datasets/DatasetOptions';

/** Options shown without opening "more options". */
const MAIN_OPTIONS = 4;

export function sizeWarning(sizesText: string, folds: string, rec?: DatasetRecord): string | null {
  const sizes = sizesText
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((x) => Number.isInteger(x) && x > 0);
  if (!sizes.length) return null;
  const max = Math.max(...sizes);
  const k = Number(folds) || 5;
  if (rec?.nFrames && max * k > rec.nFrames)
    return `n = ${max} needs ${max * k} frames for ${k} folds; ${rec.name} has ${rec.nFrames}.`;
  if (max > 200)
    return `Large training sizes take long in a browser (sGDML at n = 1000 needs minutes to hours per fold on a laptop, and ${k} folds per size). For the full study use \`npx pes experiment\` and load its results here.`;
  return null;
}

export function ExperimentForm({ paths, disabled }: { paths: PathSource[]; disabled: boolean }) {
  const id = useId();
  const datasets = useDatasets((s) => s.datasets);
  const selectedId = useDatasets((s) => s.selectedId);
  const select = useDatasets((s) => s.select);
  const form = useEvaluate((s) => s.form);
  const setForm = useEvaluate((s) => s.setForm);
  const setOption = useEvaluate((s) => s.setOption);
  const rec = datasets.find((d) => d.id === selectedId);
  const entry = (() => {
    try {
      return getModelEntry(form.model);
    } catch {
      return null;
    }
  })();
  const warning = sizeWarning(form.sizes, form.folds, rec);
  const scanOn = useScan((s) => s.enabled);
  const scanText = useScan((s) => s.cutoffs);
  const scanNote = (() => {
    try {
      const c = parseCutoffScan(scanText);
      return { ok: true, text: `${c.length} cutoff${c.length > 1 ? 's' : ''}: ${c.join(', ')} Å` };
    } catch (e) {
      return { ok: false, text: e instanceof Error ? e.message : String(e) };
    }
  })();

  const optionField = (o: NonNullable<typeof entry>['options'][number]) => {
    const fid = `${id}-opt-${o.name}`;
    const v = form.options[o.name];
    if (o.type === 'boolean')
      return (
        <label key={o.name} className="ev-check" title={o.help}>
          <input
            type="checkbox"
            checked={v === true}
            onChange={(e) => setOption(o.name, e.target.checked)}
            data-testid={`ev-opt-${o.name}`}
          />
          {o.name}
        </label>
      );
    return (
      <div key={o.name} className="ev-field">
        <label htmlFor={fid}>{o.name}</label>
        {o.choices ? (
          <select
            id={fid}
            value={typeof v === 'string' ? v : ''}
            onChange={(e) => setOption(o.name, e.target.value)}
            data-testid={`ev-opt-${o.name}`}
          >
            <option value="">default</option>
            {o.choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={fid}
            type="text"
            inputMode={o.type === 'string' ? 'text' : 'decimal'}
            value={typeof v === 'string' ? v : ''}
            placeholder="default"
            onChange={(e) => setOption(o.name, e.target.value)}
            data-testid={`ev-opt-${o.name}`}
          />
        )}
        <small className="muted">{o.help}</small>
      </div>
    );
  };

  return (
    <fieldset className="ev-form" disabled={disabled}>
      <legend className="ev-sr-only">Experiment settings</legend>
      <div className="ev-grid">
        <div className="ev-field">
          <label htmlFor={`${id}-ds`}>Dataset</label>
          <select
            id={`${id}-ds`}
            value={selectedId ?? ''}
            onChange={(e) => {
              select(e.target.value || null);
              const r = datasets.find((d) => d.id === e.target.value);
              setForm({ paths: [] });
              if (r?.molecule) setForm({ sizes: defaultSizes(r.molecule).join(',') });
            }}
            data-testid="ev-dataset"
          >
            <DatasetOptions datasets={datasets} />
          </select>
        </div>
        <div className="ev-field">
          <label htmlFor={`${id}-model`}>Model</label>
          <select
            id={`${id}-model`}
            value={form.model}
            onChange={(e) => setForm({ model: e.target.value, options: {} })}
            data-testid="ev-model"
          >
            {modelKinds().map((k) => (
              <option key={k} value={k}>
                {getModelEntry(k).label}
              </option>
            ))}
          </select>
        </div>
        <div className="ev-field">
          <label htmlFor={`${id}-sizes`}>Training sizes n (frames, comma list)</label>
          <div className="ev-inline">
            <input
              id={`${id}-sizes`}
              type="text"
              value={form.sizes}
              onChange={(e) => setForm({ sizes: e.target.value })}
              data-testid="ev-sizes"
            />
            <button
              type="button"
              className="ghost"
              onClick={() => setForm({ sizes: defaultSizes(rec?.molecule).join(',') })}
              title="The paper's sizes: 100…1000 (azobenzene), 50…1000 (glycine)"
            >
              Paper
            </button>
          </div>
        </div>
        <div className="ev-field ev-narrow">
          <label htmlFor={`${id}-folds`}>Folds</label>
          <input
            id={`${id}-folds`}
            type="number"
            min={2}
            value={form.folds}
            onChange={(e) => setForm({ folds: e.target.value })}
            data-testid="ev-folds"
          />
        </div>
        <div className="ev-field ev-narrow">
          <label htmlFor={`${id}-seed`}>Seed</label>
          <input
            id={`${id}-seed`}
            type="number"
            value={form.seed}
            onChange={(e) => setForm({ seed: e.target.value })}
            data-testid="ev-seed"
          />
        </div>
      </div>
      {warning && (
        <p className="ev-warn" role="note" data-testid="ev-size-warning">
          {warning}
        </p>
      )}
      {entry && (
        <div className="ev-options">
          <h3>{entry.label} options</h3>
          <div className="ev-grid">{entry.options.slice(0, MAIN_OPTIONS).map(optionField)}</div>
          {entry.options.length > MAIN_OPTIONS && (
            <details>
              <summary>More options</summary>
              <div className="ev-grid">{entry.options.slice(MAIN_OPTIONS).map(optionField)}</div>
            </details>
          )}
        </div>
      )}
      {form.model === 'gap' && (
        <div className="ev-grid ev-scan" role="group" aria-label="GAP cutoff scan">
          <label className="ev-check">
            <input
              type="checkbox"
              checked={scanOn}
              onChange={(e) => useScan.getState().setEnabled(e.target.checked)}
              data-testid="ev-scan"
            />
            cutoff scan (paper Fig. 6a): the experiment once per SOAP cutoff, error vs cutoff
          </label>
          {scanOn && (
            <div className="ev-field">
              <label htmlFor={`${id}-scan`}>SOAP cutoffs (Å): a:b:step or a comma list</label>
              <input
                id={`${id}-scan`}
                type="text"
                value={scanText}
                onChange={(e) => useScan.getState().setCutoffs(e.target.value)}
                aria-invalid={!scanNote.ok}
                aria-describedby={`${id}-scan-note`}
                data-testid="ev-scan-cutoffs"
              />
              <small
                id={`${id}-scan-note`}
                className={scanNote.ok ? 'muted' : 'error'}
                data-testid="ev-scan-note"
              >
                {scanNote.text}
                {scanNote.ok && form.options.cutoff ? ' (the cutoff option above is ignored)' : ''}
              </small>
            </div>
          )}
        </div>
      )}
      <div className="ev-grid">
        <div className="ev-field">
          <label htmlFor={`${id}-phi`}>φ clusters (Fig. 7)</label>
          <select
            id={`${id}-phi`}
            value={form.phi}
            onChange={(e) => setForm({ phi: e.target.value as typeof form.phi })}
            data-testid="ev-phi"
          >
            <option value="auto">C–N=N–C, found for azobenzene</option>
            <option value="custom">four atoms I choose</option>
            <option value="off">off</option>
          </select>
        </div>
        {form.phi === 'custom' && (
          <div className="ev-field">
            <label htmlFor={`${id}-phiatoms`}>φ atoms (0-based i,j,k,l)</label>
            <input
              id={`${id}-phiatoms`}
              type="text"
              value={form.phiAtoms}
              placeholder="2,0,1,8"
              onChange={(e) => setForm({ phiAtoms: e.target.value })}
            />
          </div>
        )}
        <label className="ev-check">
          <input
            type="checkbox"
            checked={form.geometryClusters}
            onChange={(e) => setForm({ geometryClusters: e.target.checked })}
            data-testid="ev-geometry"
          />
          geometry clusters (Ward 10 × k-means on E 5; about 10 s more on 27 000 frames)
        </label>
      </div>
      {paths.length > 0 && (
        <div className="ev-paths" role="group" aria-label="Reference paths">
          <span>Evaluate along paths:</span>
          {paths.map((p) => (
            <label key={p.id} className="ev-check">
              <input
                type="checkbox"
                checked={form.paths.includes(p.id)}
                onChange={(e) =>
                  setForm({
                    paths: e.target.checked ? [...form.paths, p.id] : form.paths.filter((x) => x !== p.id),
                  })
                }
                data-testid={`ev-path-${p.id}`}
              />
              {p.id}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}
