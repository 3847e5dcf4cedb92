/** The "Evaluate" tab (placeholder until its feature lands). */
export function EvaluateView() {
  return (
    <section className="card" aria-label="Evaluate">
      <p className="muted">This view is being built.</p>
    </section>
  );
}
