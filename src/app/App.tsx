import { useEffect, useState } from 'react';
import { BackendBadge } from '../ui/BackendBadge';
import { ErrorArea } from '../ui/ErrorArea';
import { Tabs } from '../ui/Tabs';
import { ExplorerView } from '../ui/explorer/ExplorerView';
import { DatasetsView } from '../ui/datasets/DatasetsView';
import { TrainView } from '../ui/train/TrainView';
import { EvaluateView } from '../ui/evaluate/EvaluateView';
import { StudyView } from '../ui/study/StudyView';
import { startViewUrl } from '../ui/explorer/viewUrl';
import { useStore } from '../state/store';
import { useDatasets } from '../state/datasets';
import { loadInitialData } from './loadData';
import { getServices } from './services';
import { tabFromHash, type TabId } from './tabs';
import { THEMES, applyTheme, loadTheme, type Theme } from './theme';

const THEME_LABEL: Record<Theme, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

export function App() {
  const [theme, setTheme] = useState<Theme>(loadTheme);
  const [tab, setTab] = useState<TabId>(() => tabFromHash(window.location.hash));

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    const onHash = () => setTab(tabFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const selectTab = (id: TabId) => {
    setTab(id);
    // keep the query (?backend=…, view state) and only change the hash
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${id}`);
  };

  useEffect(() => {
    getServices(); // idempotent: one pair of workers per page
    startViewUrl(); // idempotent: dataset, models shown and camera in the URL
    let cancelled = false;
    loadInitialData().then(
      (d) => {
        if (cancelled) return;
        const st = useStore.getState();
        st.setDatasets(d.datasets);
        useDatasets.getState().setBundled(
          d.datasets.map((x) => ({
            id: x.id,
            name: x.name,
            origin: 'bundled' as const,
            url: x.file.includes('/') ? x.file : `data/${x.file}`,
            nFrames: x.nFrames,
            nAtoms: x.nAtoms,
            theory: x.theory,
            molecule: /glycine/i.test(x.name)
              ? 'glycine'
              : /azobenzene/i.test(x.name)
                ? 'azobenzene'
                : undefined,
          })),
        );
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
      <Tabs active={tab} onSelect={selectTab} />
      <main id="main" className="tab-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {/* every view stays mounted so its state (and the 3D viewer) survives switching tabs */}
        <div hidden={tab !== 'explore'} id="panel-explore">
          <ExplorerView />
        </div>
        <div hidden={tab !== 'datasets'} id="panel-datasets">
          <DatasetsView />
        </div>
        <div hidden={tab !== 'train'} id="panel-train">
          <TrainView />
        </div>
        <div hidden={tab !== 'evaluate'} id="panel-evaluate">
          <EvaluateView />
        </div>
        <div hidden={tab !== 'study'} id="panel-study">
          <StudyView />
        </div>
      </main>
      <footer className="footer">
        Reproducing Vassilev-Galindo et al., J. Chem. Phys. 154, 094119 (2021). All computation runs in your
        browser.
      </footer>
    </div>
  );
}
