/** The facts of the selected dataset: size, formula, theory, energy range, md5, reader warnings. */
import type { DatasetStats } from '../../compute/dataTasks';
import type { DatasetRecord } from '../../state/datasets';

const fmt = (x: number, d = 2) =>
  x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });

export function DatasetFactsPanel({
  rec,
  stats,
  warnings,
}: {
  rec: DatasetRecord;
  stats: DatasetStats | undefined;
  warnings: string[];
}) {
  const f = stats?.facts;
  return (
    <section
      className="card ds-facts"
      aria-label="Dataset facts"
      data-testid="dataset-facts"
      data-dataset-id={rec.id}
    >
      <h2 className="ds-title" data-testid="dataset-title">
        {rec.name}
      </h2>
      <dl className="ds-dl">
        <dt>Origin</dt>
        <dd>{rec.origin === 'user' ? 'your file' : `bundled (${rec.url ?? ''})`}</dd>
        <dt>Frames</dt>
        <dd data-testid="fact-frames">{(f?.nFrames ?? rec.nFrames)?.toLocaleString('en') ?? '…'}</dd>
        <dt>Atoms</dt>
        <dd data-testid="fact-atoms">
          {f?.nAtoms ?? rec.nAtoms ?? '…'}
          {f ? ` (${f.formula})` : ''}
        </dd>
        <dt>Theory</dt>
        <dd>{(f?.theory ?? rec.theory) || 'not stated'}</dd>
        <dt>Energy range</dt>
        <dd data-testid="fact-energy">
          {f
            ? f.eMin === null || f.eMax === null
              ? 'no energies'
              : `${fmt(f.eMin)} … ${fmt(f.eMax)} kcal/mol (span ${fmt(f.eMax - f.eMin)} kcal/mol)`
            : '…'}
        </dd>
        <dt>Forces</dt>
        <dd>{f ? (f.hasForces ? 'yes (kcal/mol/Å)' : 'none') : '…'}</dd>
        <dt>Distances</dt>
        <dd data-testid="fact-distances">
          {stats
            ? `${fmt(stats.distances.fractionBeyondCutoff * 100, 1)} % of ${stats.distances.total.toLocaleString('en')} pair distances beyond ${stats.distances.cutoff} Å (longest ${fmt(stats.distances.maxDistance)} Å; ${stats.distances.framesUsed.toLocaleString('en')} frames)`
            : '…'}
        </dd>
        <dt>md5</dt>
        <dd>
          <code data-testid="fact-md5">{f ? (f.md5 ?? 'not computed') : '…'}</code>
        </dd>
      </dl>
      {warnings.length > 0 && (
        <details className="ds-warnings" data-testid="dataset-warnings">
          <summary>
            {warnings.length} warning{warnings.length > 1 ? 's' : ''} from the reader
          </summary>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
