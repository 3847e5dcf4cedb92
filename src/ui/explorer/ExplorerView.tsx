/**
 * The "Explore" tab: a reaction path in 3D with a slider over its driving coordinate, the energy
 * profile of the reference and of every visible model, a read-out, the models list with "Load
 * model…" (or drop a model file anywhere on this view), and exports. Logic lives in controller.ts.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { getServices } from '../../app/services';
import { useStore } from '../../state/store';
import { JobPanel } from '../JobPanel';
import { MoleculeInfo } from '../MoleculeInfo';
import { Viewer3D, type ViewerHandle } from '../Viewer3D';
import { explorerCamera } from './cameraLink';
import { explorerOverlay, loadModelFile, startExplorer } from './controller';
import { ExportPanel } from './ExportPanel';
import { ModelPanel } from './ModelPanel';
import { PathControls } from './PathControls';
import { ProfilePlot, type ProfileHandle } from './ProfilePlot';
import { ReadOut } from './ReadOut';
import { PathSearchPanel } from '../beyond/PathSearchPanel';
import './explorer.css';

export function ExplorerView() {
  const molecule = useStore((s) => s.molecule);
  const viewer = useRef<ViewerHandle | null>(null);
  const profile = useRef<ProfileHandle | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => startExplorer(), []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    for (const f of Array.from(e.dataTransfer.files)) void loadModelFile(f);
  };

  return (
    <div
      className={`main explorer${dragging ? ' dragging' : ''}`}
      data-testid="explorer"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <section className="stage" aria-label="3D view and energy profile">
        <Viewer3D
          label={
            molecule ? `3D model of ${molecule.name}, ball and stick, with force arrows` : 'Molecule viewer'
          }
          overlay={explorerOverlay}
          camera={explorerCamera}
          handleRef={viewer}
        />
        <p className="hint">
          Drag to rotate, scroll to zoom; with the view focused, arrow keys rotate and +/− zoom. Highlighted:
          the key coordinates; arrows: forces (reference in grey at computed points, models in their colours).
        </p>
        <ProfilePlot handleRef={profile} />
        <PathSearchPanel />
        {dragging && <div className="drop-hint">Drop a model file (.json or sGDML .npz) to load it</div>}
      </section>
      <aside className="side">
        <PathControls />
        <ReadOut />
        <ModelPanel />
        <ExportPanel viewer={viewer} profile={profile} />
        <MoleculeInfo />
        <JobPanel
          onStart={(s) => void getServices().startLongTask(s)}
          onCancel={() => void getServices().cancelLongTask()}
        />
      </aside>
    </div>
  );
}
