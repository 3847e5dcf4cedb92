/** Export buttons: PNG of the 3D view, PNG/SVG of the profile, CSV of the profiles, extxyz of the path. */
import type { RefObject } from 'react';
import { useExplorer } from '../../state/explorer';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import type { ViewerHandle } from '../Viewer3D';
import { download, pathExtxyz, profilesCsv, type NamedProfile } from './exports';
import type { ProfileHandle } from './ProfilePlot';

function named(): NamedProfile[] {
  const { profiles } = useExplorer.getState();
  return useModels
    .getState()
    .models.filter((m) => m.visible && profiles[m.id])
    .map((m) => ({ label: m.label, profile: profiles[m.id] }));
}

export function ExportPanel({
  viewer,
  profile,
}: {
  viewer: RefObject<ViewerHandle | null>;
  profile: RefObject<ProfileHandle | null>;
}) {
  const path = useExplorer((s) => s.path);
  const fail = (what: string) => (e: unknown) =>
    useStore.getState().pushError(`Export of ${what} failed.`, e instanceof Error ? e.message : String(e));
  const id = path?.id ?? 'path';
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <div className="row">
        <button
          type="button"
          disabled={!path}
          data-testid="export-png-3d"
          onClick={() => {
            try {
              const uri = viewer.current?.pngURI();
              if (!uri) throw new Error('the 3D view is not ready');
              download(`view-${id}.png`, uri);
            } catch (e) {
              fail('the 3D view')(e);
            }
          }}
        >
          3D view (PNG)
        </button>
        <button
          type="button"
          disabled={!path}
          data-testid="export-png-profile"
          onClick={() => profile.current?.download('png').catch(fail('the profile'))}
        >
          Profile (PNG)
        </button>
        <button
          type="button"
          disabled={!path}
          data-testid="export-svg-profile"
          onClick={() => profile.current?.download('svg').catch(fail('the profile'))}
        >
          Profile (SVG)
        </button>
        <button
          type="button"
          disabled={!path}
          data-testid="export-csv"
          onClick={() => {
            if (path) download(`profiles-${id}.csv`, profilesCsv(path, named()), 'text/csv');
          }}
        >
          Profiles (CSV)
        </button>
        <button
          type="button"
          disabled={!path}
          data-testid="export-extxyz"
          onClick={() => {
            try {
              if (path) download(`${id}.extxyz`, pathExtxyz(path, named()), 'chemical/x-extxyz');
            } catch (e) {
              fail('the path')(e);
            }
          }}
        >
          Path (extxyz)
        </button>
      </div>
    </section>
  );
}
