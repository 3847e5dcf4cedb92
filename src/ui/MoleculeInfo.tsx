/** Name, formula, source and the predict worker's geometry read-out for the molecule on screen. */
import { useStore } from '../state/store';
import { formulaOf } from './elements';

export function MoleculeInfo() {
  const molecule = useStore((s) => s.molecule);
  const summary = useStore((s) => s.summary);
  const datasets = useStore((s) => s.datasets);
  if (!molecule)
    return (
      <section className="card" aria-label="Molecule">
        <p className="muted">No molecule loaded.</p>
      </section>
    );
  return (
    <section className="card" aria-labelledby="mol-title">
      <h2 id="mol-title">{molecule.name}</h2>
      <dl className="facts">
        <dt>Formula</dt>
        <dd>{formulaOf(molecule.z)}</dd>
        <dt>Atoms</dt>
        <dd>{molecule.z.length}</dd>
        {molecule.theory && (
          <>
            <dt>Level</dt>
            <dd>{molecule.theory}</dd>
          </>
        )}
        {molecule.E !== undefined && (
          <>
            <dt>Energy (total)</dt>
            <dd>{molecule.E.toFixed(2)} kcal/mol</dd>
          </>
        )}
        <dt>Closest atoms</dt>
        <dd data-testid="min-distance">
          {summary
            ? `${summary.minDistance.toFixed(3)} Å (atoms ${summary.minPair[0] + 1}–${summary.minPair[1] + 1})`
            : '…'}
        </dd>
        <dt>Radius of gyration</dt>
        <dd>{summary ? `${summary.radiusOfGyration.toFixed(3)} Å` : '…'}</dd>
        <dt>Source</dt>
        <dd className="source">{molecule.source}</dd>
        <dt>Datasets</dt>
        <dd data-testid="datasets">
          {datasets.length ? datasets.map((d) => d.name).join(', ') : 'none bundled yet'}
        </dd>
      </dl>
    </section>
  );
}
