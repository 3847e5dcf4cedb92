import { useEffect, useState } from 'react';
import { BackendBadge } from '../ui/BackendBadge';
import { ErrorArea } from '../ui/ErrorArea';
import { JobPanel } from '../ui/JobPanel';
import { MoleculeInfo } from '../ui/MoleculeInfo';
import { Viewer3D } from '../ui/Viewer3D';
import { useStore } from '../state/store';
import { loadInitialData } from './loadData';
import { getServices } from './services';
import { THEMES, applyTheme, loadTheme, type Theme } from './theme';

const THEME_LABEL: Record<Theme, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

export function App() {
  const [theme, setTheme] = useState<Theme>(loadTheme);
  const molecule = useStore((s) => s.molecule);

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    getServices(); // idempotent: one pair of workers per page
    let cancelled = false;
    loadInitialData().then(
      (d) => {
        if (cancelled) return;
        const st = useStore.getState();
        st.setDatasets(d.datasets);
        if (!st.molecule) st.setMolecule(d.molecule);
        for (const w of d.warnings) st.pushError(w);
      },
      (e: unknown) => {
        if (!cancelled)
          useStore
            .getState()
            .pushError('Could not load a molecule.', e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, []);

  const nextTheme = () => setTheme((t) => THEMES[(THEMES.indexOf(t) + 1) % THEMES.length]);

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="header">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⌬
          </span>
          <div>
            <h1>PES Explorer</h1>
            <p className="tagline">
              Where machine-learned force fields succeed and fail on flexible molecules
            </p>
          </div>
        </div>
        <div className="header-tools">
          <button
            type="button"
            className="ghost"
            onClick={nextTheme}
            data-testid="theme-toggle"
            data-theme-value={theme}
          >
            {THEME_LABEL[theme]}
          </button>
          <BackendBadge onSelfTest={() => getServices().compute.call((api) => api.selfTest())} />
        </div>
      </header>
      <ErrorArea />
      <main id="main" className="main">
        <section className="stage" aria-label="3D view">
          <Viewer3D label={molecule ? `3D model of ${molecule.name}, ball and stick` : 'Molecule viewer'} />
          <p className="hint">
            Drag to rotate, scroll to zoom; with the view focused, arrow keys rotate and +/− zoom.
          </p>
        </section>
        <aside className="side">
          <MoleculeInfo />
          <JobPanel
            onStart={(s) => void getServices().startLongTask(s)}
            onCancel={() => void getServices().cancelLongTask()}
          />
        </aside>
      </main>
      <footer className="footer">
        Reproducing Vassilev-Galindo et al., J. Chem. Phys. 154, 094119 (2021). All computation runs in your
        browser.
      </footer>
    </div>
  );
}
