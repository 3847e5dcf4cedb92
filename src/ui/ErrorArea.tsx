/** Errors the user should see, each dismissible; announced to screen readers. */
import { useStore } from '../state/store';

export function ErrorArea() {
  const errors = useStore((s) => s.errors);
  const dismiss = useStore((s) => s.dismissError);
  return (
    <div className="errors" role="alert" aria-live="assertive" data-testid="errors">
      {errors.map((e) => (
        <div key={e.id} className="error" data-testid="error">
          <div>
            <strong>{e.message}</strong>
            {e.detail && <pre className="error-detail">{e.detail}</pre>}
          </div>
          <button type="button" className="ghost" onClick={() => dismiss(e.id)} aria-label="Dismiss error">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
