/** The "Explore" tab: the 3D view of the molecule with its side panels. */
import { getServices } from '../../app/services';
import { useStore } from '../../state/store';
import { JobPanel } from '../JobPanel';
import { MoleculeInfo } from '../MoleculeInfo';
import { Viewer3D } from '../Viewer3D';

export function ExplorerView() {
  const molecule = useStore((s) => s.molecule);
  return (
    <div className="main">
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
    </div>
  );
}
