/**
 * "From the study": shows one of the committed study's saved best models (docs/results/study) in the
 * explorer without training — the ones for the molecule on screen, fetched on demand.
 */
import { useState } from 'react';
import { useExplorer } from '../../state/explorer';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import type { CatalogueRun } from '../study/catalogue';
import { fetchResults, loadRunModel } from '../study/loadRun';
import { studyCatalogue } from '../study/studyFiles';
import { studyModelsFor } from './studyModels';

/**
 * Shows a study run's saved model in the explorer: loads it (with its test errors from the run's results)
 * unless it is loaded already, and ticks it. Failures go to the error area.
 */
export async function showStudyModel(run: CatalogueRun): Promise<void> {
  const id = `study:${run.key}`;
  if (useModels.getState().models.some((m) => m.id === id)) {
    useModels.getState().setVisible(id, true);
    return;
  }
  try {
    // the results give the model's test errors (shown with it); a missing file only loses those
    const results = await fetchResults(run).catch(() => undefined);
    await loadRunModel(run, results);
  } catch (e) {
    useStore
      .getState()
      .pushError(`Could not load the study model ${run.id}.`, e instanceof Error ? e.message : String(e));
  }
}

export function StudyModelPicker() {
  const pathId = useExplorer((s) => s.pathId);
  // "id:visible" of every model, so the button follows loading and the Models list's checkboxes
  const loaded = useModels((s) => s.models.map((m) => `${m.id}:${m.visible}`).join(','));
  const offered = studyModelsFor(studyCatalogue.runs, pathId);
  const [picked, setPicked] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!offered.length) return null;
  const run = offered.find((r) => r.key === picked) ?? offered[0];
  const id = `study:${run.key}`;
  const state = loaded.split(',').find((x) => x.startsWith(`${id}:`));
  const shown = state === `${id}:true`;

  const show = async () => {
    setBusy(true);
    await showStudyModel(run);
    setBusy(false);
  };

  return (
    <div className="study-model-picker">
      <label className="field">
        <span>From the study (trained and saved, no training needed)</span>
        <select value={run.key} onChange={(e) => setPicked(e.target.value)} data-testid="study-model-select">
          {offered.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label} · {r.dataset}
              {r.group === 'study-quick' ? ' (quick study)' : ''}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        onClick={() => void show()}
        disabled={busy || shown}
        aria-busy={busy}
        data-testid="study-model-load"
      >
        {busy ? 'Loading…' : shown ? 'Shown' : 'Show'}
      </button>
    </div>
  );
}
