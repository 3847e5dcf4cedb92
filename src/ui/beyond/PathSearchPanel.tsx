/**
 * "Beyond the paper" panel for the Explore tab (no props): with any trained model of the molecule on
 * screen, relax a path with climbing-image NEB between the ends of a bundled reference path and show its
 * energy profile and barrier beside the reference (and where the ML path leaves the training data), run
 * short Langevin MD from the current geometry, and train a region-gated mixture of local sGDML models.
 */
import { useEffect, useMemo, useState } from 'react';
import { useExplorer } from '../../state/explorer';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { useDatasets, refOf } from '../../state/datasets';
import { fetchJsonIfPresent } from '../../app/loadData';
import { useBeyond, type RunState } from './state';
import { cancel, runMd, runNeb, trainMixture } from './controller';
import { LineChart } from './LineChart';
import { NumberInput } from '../NumberInput';
import { useStoredForm } from '../useStoredForm';
import './beyond.css';

/** Images farther than this (× the training set's own nearest-neighbour spacing) count as outside the data. */
export const FAR_FROM_DATA = 2;

interface PathEntry {
  id: string;
  file: string;
}

function usePaths(): PathEntry[] {
  const [paths, setPaths] = useState<PathEntry[]>([]);
  useEffect(() => {
    let live = true;
    fetchJsonIfPresent('data/manifest.json')
      .then((m) => {
        const list = (m as { paths?: PathEntry[] } | null)?.paths ?? [];
        if (live) setPaths(list.filter((p) => typeof p.id === 'string' && typeof p.file === 'string'));
      })
      .catch(() => live && setPaths([]));
    return () => {
      live = false;
    };
  }, []);
  return paths;
}

/** The molecule a bundled path id belongs to ("azobenzene-rotation" → "azobenzene"). */
const moleculeOf = (pathId: string) => pathId.split('-')[0];

/** The panel's settings, kept over reloads (a model, path or dataset no longer there falls back). */
const FORM_KEY = 'pes.beyond.form';
const FORM_DEFAULTS = {
  modelId: '',
  pathId: 'azobenzene-optimized-rotation',
  steps: 600,
  climb: true,
  mdSteps: 400,
  mdT: 300,
  dsId: '',
  nTrain: 60,
  boundary: 90,
  width: 20,
};

const sameZ = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

function Progress({ s, which, label }: { s: RunState<unknown>; which: 'neb' | 'md' | 'mix'; label: string }) {
  if (s.status === 'idle') return null;
  return (
    <div className="beyond-progress" data-testid={`beyond-${which}-status`} data-status={s.status}>
      {s.status === 'running' && (
        <>
          <progress max={1} value={s.fraction} aria-label={`${label} progress`} />
          <button
            type="button"
            className="ghost small"
            onClick={() => void cancel(which)}
            data-testid={`beyond-${which}-cancel`}
          >
            Cancel
          </button>
        </>
      )}
      <span className="muted small">
        {s.status === 'running' ? s.message : s.status === 'error' ? `error: ${s.error}` : s.status}
      </span>
    </div>
  );
}

export function PathSearchPanel() {
  const models = useModels((s) => s.models);
  const molecule = useStore((s) => s.molecule);
  const setGeometry = useStore((s) => s.setGeometry);
  const datasets = useDatasets((s) => s.datasets);
  const { neb, md, mix } = useBeyond();
  const paths = usePaths();
  const usable = useMemo(() => models.filter((m) => !molecule || sameZ(m.z, molecule.z)), [models, molecule]);
  const [form, setter] = useStoredForm(FORM_KEY, FORM_DEFAULTS);
  const { modelId, pathId, steps, climb, mdSteps, mdT, dsId, nTrain, boundary, width } = form;
  const model = usable.find((m) => m.id === modelId) ?? usable[0];
  // the reference paths of the molecule on screen (the explorer's path), the optimized rotation first
  const shownPath = useExplorer((s) => s.pathId);
  const offered = paths.filter((p) => !shownPath || moleculeOf(p.id) === moleculeOf(shownPath));
  const path = offered.find((p) => p.id === pathId) ?? offered[0];
  const [image, setImage] = useState(0);
  const [mdFrame, setMdFrame] = useState(0);
  const azoSets = datasets.filter((d) => d.molecule === 'azobenzene' || /azobenzene/i.test(d.name));
  const ds = azoSets.find((d) => d.id === dsId) ?? azoSets[0];

  const res = neb.result;
  const far = res?.distanceRel?.map((d, i) => (d > FAR_FROM_DATA ? i : -1)).filter((i) => i >= 0) ?? [];
  const nImg = res ? res.E.length : 0;
  const idx = Array.from({ length: nImg }, (_, i) => i);
  const showImage = (i: number) => {
    if (!res || !molecule) return;
    const n3 = molecule.z.length * 3;
    setImage(i);
    setGeometry(res.images.slice(i * n3, (i + 1) * n3));
  };
  const showMd = (i: number) => {
    if (!md.result || !molecule) return;
    const n3 = molecule.z.length * 3;
    setMdFrame(i);
    setGeometry(md.result.R.slice(i * n3, (i + 1) * n3));
  };

  return (
    <section className="card beyond" aria-labelledby="beyond-title" data-testid="path-search-panel">
      <h2 id="beyond-title">Path search on a trained model</h2>
      {usable.length === 0 ? (
        <p className="muted small" data-testid="beyond-no-model">
          No trained model for this molecule yet. Train one (Train tab), load a model file, or train a mixture
          below.
        </p>
      ) : (
        <div className="beyond-form">
          <label className="field">
            Model
            <select
              value={model?.id}
              onChange={(e) => setter('modelId')(e.target.value)}
              data-testid="beyond-model"
            >
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.label} ({m.kind})
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Reference path (start band, ends relaxed on the model)
            <select
              value={path?.id}
              onChange={(e) => setter('pathId')(e.target.value)}
              data-testid="beyond-path"
            >
              {offered.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Max. NEB steps
            <NumberInput
              min={10}
              max={20000}
              integer
              value={steps}
              onValue={setter('steps')}
              data-testid="beyond-steps"
            />
          </label>
          <label className="check">
            <input type="checkbox" checked={climb} onChange={(e) => setter('climb')(e.target.checked)} />{' '}
            climbing image
          </label>
          <button
            type="button"
            className="primary"
            disabled={!model || !path || neb.status === 'running'}
            onClick={() =>
              model &&
              path &&
              void runNeb({
                model: model.serialized,
                path: { id: path.id, url: new URL(path.file, new URL('data/', document.baseURI)).href },
                climb,
                maxSteps: steps,
              })
            }
            data-testid="beyond-run-neb"
          >
            Run NEB
          </button>
        </div>
      )}
      <Progress s={neb} which="neb" label="NEB" />
      {res && neb.status === 'done' && (
        <div data-testid="beyond-neb-result">
          <p>
            ML barrier <strong data-testid="beyond-barrier">{res.barrier.toFixed(2)}</strong> kcal/mol vs
            reference <strong data-testid="beyond-ref-barrier">{res.referenceBarrier.toFixed(2)}</strong>{' '}
            kcal/mol (difference {(res.barrier - res.referenceBarrier).toFixed(2)});{' '}
            {res.converged ? 'converged' : 'not converged'} in {res.steps} steps, max force{' '}
            {res.fmax.toFixed(2)} kcal/mol/Å, {res.seconds.toFixed(1)} s.
          </p>
          <p className="small" data-testid="beyond-far">
            {res.distanceRel === null
              ? 'This model kind cannot tell its distance to the training data.'
              : far.length === 0
                ? `Every image lies within ${FAR_FROM_DATA}× the training set's own spacing of the training data.`
                : `${far.length === 1 ? 'Image' : 'Images'} ${far.join(', ')} ${far.length === 1 ? 'lies' : 'lie'} farther than ${FAR_FROM_DATA}× the training spacing from the training data (ringed): the ML path leaves the data there.`}
          </p>
          <LineChart
            testId="beyond-profile"
            title={`Energy along ${res.pathId}`}
            xLabel="image (start → end)"
            yLabel="E − E(image 0) (kcal/mol)"
            yRightLabel={res.distanceRel ? 'distance to training data (× spacing)' : undefined}
            series={[
              { name: 'reference path', color: '#333', x: idx, y: res.Eref },
              {
                name: 'model on reference geometries',
                color: '#17becf',
                x: idx,
                y: res.EmlOnRef,
                dashed: true,
              },
              { name: 'ML NEB path', color: '#e4572e', x: idx, y: res.E, flags: far },
              ...(res.distanceRel
                ? [
                    {
                      name: 'distance to training data',
                      color: '#999',
                      x: idx,
                      y: res.distanceRel,
                      dashed: true,
                      right: true,
                    },
                  ]
                : []),
            ]}
          />
          <label className="field">
            Show image {image} {res.phi ? `(|φ| = ${res.phi[image].toFixed(1)}°)` : ''} in the viewer
            <input
              type="range"
              min={0}
              max={nImg - 1}
              value={image}
              onChange={(e) => showImage(Number(e.target.value))}
              data-testid="beyond-image"
              aria-label="NEB image shown in the viewer"
            />
          </label>
        </div>
      )}

      <h3>Langevin MD from the current geometry</h3>
      <div className="beyond-form">
        <label className="field">
          Steps (0.5 fs)
          <NumberInput
            min={10}
            max={100000}
            integer
            value={mdSteps}
            onValue={setter('mdSteps')}
            data-testid="beyond-md-steps"
          />
        </label>
        <label className="field">
          Temperature (K)
          <NumberInput min={0} max={3000} value={mdT} onValue={setter('mdT')} />
        </label>
        <button
          type="button"
          disabled={!model || !molecule || md.status === 'running'}
          onClick={() =>
            model &&
            molecule &&
            void runMd({
              model: model.serialized,
              z: Array.from(molecule.z),
              R: molecule.R,
              steps: mdSteps,
              temperature: mdT,
              dt: 0.5,
              keepEvery: 10,
            })
          }
          data-testid="beyond-run-md"
        >
          Run MD
        </button>
      </div>
      <Progress s={md} which="md" label="MD" />
      {md.result && md.status === 'done' && (
        <div data-testid="beyond-md-result">
          <LineChart
            testId="beyond-md-plot"
            title="Langevin MD on the model"
            xLabel="time (fs)"
            yLabel="E_pot − E_pot(0) (kcal/mol)"
            yRightLabel={md.result.phi ? '|φ| (°)' : 'T (K)'}
            height={240}
            series={[
              {
                name: 'potential energy',
                color: '#e4572e',
                x: md.result.time,
                y: md.result.E.map((e) => e - md.result!.E[0]),
              },
              md.result.phi
                ? {
                    name: '|φ|',
                    color: '#2e86ab',
                    x: md.result.time,
                    y: md.result.phi,
                    right: true,
                    dashed: true,
                  }
                : {
                    name: 'temperature',
                    color: '#2e86ab',
                    x: md.result.time,
                    y: md.result.T,
                    right: true,
                    dashed: true,
                  },
            ]}
          />
          <label className="field">
            Show frame {mdFrame} ({md.result.time[mdFrame]?.toFixed(0)} fs)
            <input
              type="range"
              min={0}
              max={md.result.time.length - 1}
              value={mdFrame}
              onChange={(e) => showMd(Number(e.target.value))}
              aria-label="MD frame shown in the viewer"
            />
          </label>
        </div>
      )}

      <h3>Region-gated mixture of local sGDML models</h3>
      <p className="muted small">
        One sGDML model (σ = 30) per |φ| region, blended smoothly across the boundary (E and F continuous).
      </p>
      <div className="beyond-form">
        <label className="field">
          Dataset
          <select
            value={ds?.id}
            onChange={(e) => setter('dsId')(e.target.value)}
            data-testid="beyond-mix-dataset"
          >
            {azoSets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Training frames (total)
          <NumberInput
            min={4}
            max={2000}
            integer
            value={nTrain}
            onValue={setter('nTrain')}
            data-testid="beyond-mix-n"
          />
        </label>
        <label className="field">
          Boundary |φ| (°)
          <NumberInput
            min={5}
            max={175}
            value={boundary}
            onValue={setter('boundary')}
            data-testid="beyond-mix-boundary"
          />
        </label>
        <label className="field">
          Blend half-width (°)
          <NumberInput min={1} max={80} value={width} onValue={setter('width')} />
        </label>
        <button
          type="button"
          disabled={!ds || mix.status === 'running'}
          onClick={() =>
            ds &&
            void trainMixture(
              {
                dataset: refOf(ds),
                partition: { boundaries: [boundary], width },
                nTrain,
                subParams: { sigma: 30 },
              },
              `mixture 2×sGDML n=${nTrain}, |φ| ${boundary}±${width}°`,
            )
          }
          data-testid="beyond-train-mix"
        >
          Train 2-region mixture
        </button>
      </div>
      <Progress s={mix} which="mix" label="mixture training" />
      {mix.result && mix.status === 'done' && (
        <p className="small" data-testid="beyond-mix-result">
          Mixture trained on {mix.result.datasetName} in {mix.result.seconds.toFixed(1)} s: frames per region{' '}
          {mix.result.framesPerRegion.join(' + ')} (transition frames train both). Added to the models list.
        </p>
      )}
    </section>
  );
}

export default PathSearchPanel;
