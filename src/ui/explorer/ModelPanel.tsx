/**
 * Models shown in the explorer (useModels): visibility, removal, a saved study model, "Load model…" (our
 * JSON format or a reference sGDML .npz; also by dropping a file on the explorer), and the 3D overlay
 * options.
 */
import { useRef } from 'react';
import { useExplorer } from '../../state/explorer';
import { useModels } from '../../state/models';
import { loadModelFile, REF_COLOUR } from './controller';
import { StudyModelPicker } from './StudyModelPicker';

/** Slider position 0..100 ↔ arrow scale 0.002..0.2 Å per kcal/mol/Å (logarithmic). */
const toScale = (v: number) => 0.002 * 100 ** (v / 100);
const fromScale = (s: number) => (100 * Math.log(s / 0.002)) / Math.log(100);

export function ModelPanel() {
  const models = useModels((s) => s.models);
  const setVisible = useModels((s) => s.setVisible);
  const removeModel = useModels((s) => s.removeModel);
  const profiles = useExplorer((s) => s.profiles);
  const pathId = useExplorer((s) => s.pathId);
  const showLabels = useExplorer((s) => s.showLabels);
  const showRefForces = useExplorer((s) => s.showRefForces);
  const showModelForces = useExplorer((s) => s.showModelForces);
  const forceScale = useExplorer((s) => s.forceScale);
  const set = useExplorer((s) => s.set);
  const input = useRef<HTMLInputElement>(null);

  return (
    <section className="card" aria-labelledby="models-title">
      <h2 id="models-title">Models</h2>
      {models.length === 0 && (
        <p className="muted small">
          No models yet. Show one from the study, train one (Train tab) or load a model file.
        </p>
      )}
      <ul className="model-list" data-testid="model-list">
        {models.map((m) => {
          const p = profiles[m.id];
          const err = p && p.pathId === pathId ? p.error : undefined;
          // shown, but its curve on this path not there yet: loading into the predictor, predicting
          const pending = m.visible && pathId !== null && p?.pathId !== pathId;
          return (
            <li key={m.id} data-testid={`model-${m.id}`}>
              <label>
                <input
                  type="checkbox"
                  checked={m.visible}
                  onChange={(e) => setVisible(m.id, e.target.checked)}
                  data-testid={`model-visible-${m.id}`}
                />
                <span className="swatch" style={{ background: m.color }} aria-hidden="true" />
                {m.label}
              </label>
              <button
                type="button"
                className="ghost small"
                onClick={() => removeModel(m.id)}
                aria-label={`Remove ${m.label}`}
              >
                ✕
              </button>
              {err && <p className="model-error">{err}</p>}
              {pending && (
                <p className="muted small model-pending" role="status" data-testid={`model-pending-${m.id}`}>
                  <span className="spinner" aria-hidden="true" /> computing its energy profile…
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <StudyModelPicker />
      <div className="row">
        <button type="button" onClick={() => input.current?.click()}>
          Load model…
        </button>
        <input
          ref={input}
          type="file"
          accept=".json,.npz,application/json"
          className="visually-hidden"
          data-testid="load-model"
          aria-label="Load a model file (our JSON format or a reference sGDML .npz)"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            for (const f of files) void loadModelFile(f);
          }}
        />
      </div>
      <p className="muted small">
        JSON models from this app or `pes train`, or reference sGDML .npz; you can also drop a file on the
        explorer.
      </p>
      <h3>3D overlay</h3>
      <label className="check">
        <input type="checkbox" checked={showLabels} onChange={(e) => set({ showLabels: e.target.checked })} />
        Key coordinates
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={showRefForces}
          onChange={(e) => set({ showRefForces: e.target.checked })}
          data-testid="show-ref-forces"
        />
        <span className="swatch" style={{ background: REF_COLOUR }} aria-hidden="true" />
        Reference forces (at computed points)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={showModelForces}
          onChange={(e) => set({ showModelForces: e.target.checked })}
        />
        Model forces (model colours)
      </label>
      <label className="field">
        <span>Arrow scale: {forceScale.toFixed(3)} Å per kcal/mol/Å</span>
        <input
          type="range"
          min={0}
          max={100}
          step={1}
          value={fromScale(forceScale)}
          onChange={(e) => set({ forceScale: toScale(Number(e.target.value)) })}
          data-testid="force-scale"
          aria-valuetext={`${forceScale.toFixed(3)} Å per kcal/mol/Å`}
        />
      </label>
    </section>
  );
}
