/** The datasets to choose from (bundled and the user's), as a keyboard-operable list of buttons. */
import { useDatasets } from '../../state/datasets';
import { removeUserDataset } from './actions';

export function DatasetList() {
  const datasets = useDatasets((s) => s.datasets);
  const selectedId = useDatasets((s) => s.selectedId);
  const select = useDatasets((s) => s.select);
  if (!datasets.length) return <p className="muted">No datasets yet.</p>;
  return (
    <ul className="ds-list" data-testid="dataset-list" aria-label="Datasets">
      {datasets.map((d) => (
        <li key={d.id} className="ds-item">
          <button
            type="button"
            className={d.id === selectedId ? 'ds-pick ds-selected' : 'ds-pick ghost'}
            aria-pressed={d.id === selectedId}
            onClick={() => select(d.id)}
            data-testid="dataset-item"
            data-dataset-id={d.id}
            data-origin={d.origin}
          >
            <span className="ds-name">{d.name}</span>
            <span className="muted ds-sub">
              {d.origin === 'user' ? 'your file' : 'bundled'}
              {d.nFrames ? ` · ${d.nFrames.toLocaleString('en')} frames` : ''}
              {d.nAtoms ? ` · ${d.nAtoms} atoms` : ''}
            </span>
          </button>
          {d.origin === 'user' && (
            <button
              type="button"
              className="ghost ds-remove"
              aria-label={`Remove ${d.name}`}
              onClick={() => void removeUserDataset(d.id)}
              data-testid="dataset-remove"
            >
              ×
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
