/**
 * One row per round of the error-flattening run, live while it runs: training frames, overall and
 * worst-cluster test force RMSE of the error-flattened and the stratified model, and which clusters were
 * above threshold × the mean pool error (with the frames each received). A row's button shows it in the chart.
 */
import type { FlattenRoundReport } from '../../compute/beyondTasks';
import { maxClusterError } from '../../data/flatten-plan';

export interface FlattenRoundsProps {
  rounds: FlattenRoundReport[];
  clusterLabels: string[] | null;
  selected: number;
  onSelect(round: number): void;
}

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3));

export function FlattenRounds({ rounds, clusterLabels, selected, onSelect }: FlattenRoundsProps) {
  const name = (c: number) => clusterLabels?.[c] ?? `#${c + 1}`;
  return (
    <table
      className="train-epochs flatten-rounds"
      data-testid="flatten-rounds"
      aria-label="Error-flattening rounds"
    >
      <thead>
        <tr>
          <th scope="col">round</th>
          <th scope="col">training frames</th>
          <th scope="col">test F RMSE, flattened (kcal/mol/Å)</th>
          <th scope="col">worst cluster, flattened</th>
          <th scope="col">worst cluster, stratified</th>
          <th scope="col">clusters above threshold × mean pool error: frames added</th>
        </tr>
      </thead>
      <tbody>
        {rounds.map((r) => {
          const wf = r.flattened ? maxClusterError(r.flattened.clusters) : null;
          const ws = r.stratified ? maxClusterError(r.stratified.clusters) : null;
          const sel = r.pool?.clusters
            .map((c, i) => ({ ...c, i }))
            .filter((c) => c.added > 0 || c.selected)
            .map((c) => `${name(c.i)}${c.selected ? '' : ' (fill)'}: ${c.added}`);
          return (
            <tr
              key={r.round}
              data-testid="flatten-round-row"
              data-round={r.round}
              data-size={r.size}
              data-selected-clusters={r.pool ? r.pool.clusters.filter((c) => c.selected).length : ''}
              aria-current={r.round === selected ? 'true' : undefined}
            >
              <td>
                <button type="button" className="ghost small" onClick={() => onSelect(r.round)}>
                  {r.round}
                </button>
              </td>
              <td>{r.size}</td>
              <td>{f3(r.flattened?.fRmse)}</td>
              <td>{wf && wf.cluster >= 0 ? `${f3(wf.value)} (${name(wf.cluster)})` : '–'}</td>
              <td>
                {r.round === 0
                  ? 'same model'
                  : ws && ws.cluster >= 0
                    ? `${f3(ws.value)} (${name(ws.cluster)})`
                    : '…'}
              </td>
              <td>
                {r.pool
                  ? `mean ${f3(r.pool.meanError)} → ${sel?.join(', ') || 'none'}`
                  : r.flattened
                    ? 'final'
                    : 'training…'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
