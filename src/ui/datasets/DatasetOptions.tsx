import type { DatasetRecord } from '../../state/datasets';

/** The `<option>`s of a dataset `<select>`: name, frame and atom counts; a placeholder while none is loaded. */
export function DatasetOptions({ datasets }: { datasets: DatasetRecord[] }) {
  if (datasets.length === 0) return <option value="">(loading datasets…)</option>;
  return (
    <>
      {datasets.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name}
          {d.nFrames ? ` (${d.nFrames} frames${d.nAtoms ? `, ${d.nAtoms} atoms` : ''})` : ''}
        </option>
      ))}
    </>
  );
}
