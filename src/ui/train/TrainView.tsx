/** The "Train" tab (placeholder until its feature lands). */
export function TrainView() {
  return (
    <section className="card" aria-label="Train">
      <p className="muted">This view is being built.</p>
    </section>
  );
}
