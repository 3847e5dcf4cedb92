/** The "Datasets" tab (placeholder until its feature lands). */
export function DatasetsView() {
  return (
    <section className="card" aria-label="Datasets">
      <p className="muted">This view is being built.</p>
    </section>
  );
}
