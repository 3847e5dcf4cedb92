/** The "Study" tab (placeholder until its feature lands). */
export function StudyView() {
  return (
    <section className="card" aria-label="Study">
      <p className="muted">This view is being built.</p>
    </section>
  );
}
