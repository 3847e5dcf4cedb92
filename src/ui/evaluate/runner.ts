/**
 * The Evaluate tab's actions against the compute worker: run (or resume) an experiment with progress,
 * cancel it, and add a size's best model to the shared models list. Writes to the evaluate store.
 */
import * as Comlink from 'comlink';
import { getServices } from '../../app/services';
import { isCancelled } from '../../compute/workerClient';
import type {
  CutoffScanProgress,
  CutoffScanRequest,
  ExperimentProgress,
  ExperimentRequest,
  PathSource,
} from '../../compute/evalTasks';
import { parseCutoffScan } from '../../eval/cutoff-scan';
import { useScan } from './scanStore';
import { refOf, type DatasetRecord } from '../../state/datasets';
import { IDLE_RUN, useEvaluate, type EvalForm } from '../../state/evaluate';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { experimentCommand, parseSizes, type ExperimentRequestSpec } from '../../eval/experiment-spec';
import { resultsLabel } from '../../eval/report-svg';
import type { ExperimentResults } from '../../eval/results';
import { phiClusterLabel } from '../../data/cluster';
import { stopComputeJob } from '../stopComputeJob';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The dataset argument of the equivalent CLI command: a bundled file's stem, or the user's file name. */
export function datasetArg(rec: DatasetRecord): string {
  if (rec.origin === 'bundled' && rec.url) return rec.url.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  return rec.name;
}

/** Reads the form into a request spec; throws readable errors for bad input. */
export function requestFromForm(form: EvalForm): ExperimentRequestSpec {
  const int = (s: string, what: string) => {
    const x = Number(s.trim());
    if (!s.trim() || !Number.isInteger(x)) throw new Error(`${what}: "${s}" is not an integer`);
    return x;
  };
  let phiAtoms: ExperimentRequestSpec['phiAtoms'] = 'auto';
  if (form.phi === 'off') phiAtoms = null;
  else if (form.phi === 'custom') {
    const a = form.phiAtoms.split(',').map((s) => int(s, 'φ atoms'));
    if (a.length !== 4) throw new Error(`φ atoms: give four atom indices (0-based), e.g. 2,0,1,8`);
    phiAtoms = a;
  }
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form.options)) if (v !== '' && v !== false) options[k] = v;
  return {
    model: form.model,
    options,
    sizes: parseSizes(form.sizes),
    folds: int(form.folds, 'folds'),
    seed: int(form.seed, 'seed'),
    phiAtoms,
    geometryClusters: form.geometryClusters,
  };
}

let activeRun: Promise<unknown> | null = null;

/** Where and how a run is computed, recorded in its results (this browser, the compute backend, the command). */
function runEnvironment(rec: DatasetRecord, command: string): Record<string, string> {
  return {
    host: `${navigator.hardwareConcurrency ?? '?'} logical cores, ${navigator.userAgent}`,
    backend: useStore.getState().compute.info?.backend ?? 'unknown',
    dataset: datasetArg(rec),
    command,
  };
}

/** Runs the form's experiment on `rec` in the compute worker; `resume` continues the results on screen. */
export async function startExperiment(rec: DatasetRecord, paths: PathSource[], resume: boolean) {
  const ev = useEvaluate.getState();
  if (ev.run.status === 'running' || ev.run.status === 'cancelling') return;
  let spec: ExperimentRequestSpec;
  try {
    spec = requestFromForm(ev.form);
  } catch (e) {
    ev.setRun({ ...IDLE_RUN, status: 'error', error: message(e) });
    return;
  }
  const previous = resume && ev.results && ev.source?.datasetId === rec.id ? ev.results : undefined;
  const command = experimentCommand(
    datasetArg(rec),
    spec,
    paths.map((p) => p.id),
  );
  const compute = getServices().compute;
  const req: ExperimentRequest = {
    ...spec,
    dataset: refOf(rec),
    paths,
    previous,
    environment: runEnvironment(rec, command),
  };
  const startFraction = previous ? previous.folds.length / Math.max(1, spec.sizes.length * spec.folds) : 0;
  ev.setRun({
    ...IDLE_RUN,
    status: 'running',
    startedAt: Date.now(),
    startFraction,
    fraction: startFraction,
  });
  const source = { kind: 'run' as const, label: rec.name, datasetId: rec.id, command };
  const onProgress = Comlink.proxy((p: ExperimentProgress) => {
    const s = useEvaluate.getState();
    if (s.run.status !== 'running' && s.run.status !== 'cancelling') return;
    const first = s.run.firstAt === undefined && p.stage !== 'load' && p.stage !== 'skip';
    s.setRun({
      fraction: p.fraction,
      done: p.done,
      total: p.total,
      stage: p.stage,
      size: p.size,
      fold: p.fold,
      message: p.message,
      ...(first ? { firstAt: Date.now(), firstFraction: p.fraction } : {}),
    });
    if (p.results) s.setResults(p.results, source);
  });
  const call = compute.call((api) => api.runExperiment(req, onProgress));
  await settleRun(call, (out) => useEvaluate.getState().setResults(out.results, source), 'The experiment');
}

/** Where the equivalent CLI scan writes: the experiment command with --cutoff-scan and --out. */
export function scanCommand(command: string, cutoffs: string): string {
  return `${command} --cutoff-scan ${cutoffs.replace(/\s+/g, '')} --out cutoff-scan.json`;
}

/**
 * Runs the form's GAP experiment once per SOAP cutoff of the scan field (paper Fig. 6a) in the compute
 * worker; `resume` continues the scan on screen. Progress and cancel share the tab's run state.
 */
export async function startCutoffScan(rec: DatasetRecord, paths: PathSource[], resume: boolean) {
  const ev = useEvaluate.getState();
  if (ev.run.status === 'running' || ev.run.status === 'cancelling') return;
  const sc = useScan.getState();
  let spec: ExperimentRequestSpec;
  let cutoffs: number[];
  try {
    spec = requestFromForm(ev.form);
    if (spec.model !== 'gap') throw new Error('the cutoff scan is for GAP/SOAP: choose the GAP model');
    cutoffs = parseCutoffScan(sc.cutoffs);
  } catch (e) {
    ev.setRun({ ...IDLE_RUN, status: 'error', error: message(e) });
    return;
  }
  // the scan sets the cutoff; a cutoff typed in the options would be overridden
  const options = { ...spec.options };
  delete options.cutoff;
  spec = { ...spec, options };
  const previous =
    resume && sc.scan && sc.source?.datasetId === rec.id ? sc.scan.map((e) => e.results) : undefined;
  const command = scanCommand(
    experimentCommand(
      datasetArg(rec),
      spec,
      paths.map((p) => p.id),
    ),
    sc.cutoffs,
  );
  const req: CutoffScanRequest = {
    ...spec,
    cutoffs,
    dataset: refOf(rec),
    paths,
    previous,
    environment: runEnvironment(rec, command),
  };
  const perCutoff = spec.sizes.length * spec.folds;
  const startFraction = previous
    ? previous.reduce((a, r) => a + Math.min(r.folds.length, perCutoff), 0) / (perCutoff * cutoffs.length)
    : 0;
  ev.setRun({
    ...IDLE_RUN,
    status: 'running',
    startedAt: Date.now(),
    startFraction,
    fraction: startFraction,
  });
  const source = { label: rec.name, datasetId: rec.id, command };
  if (!previous) useScan.getState().setScan(null, null);
  const onProgress = Comlink.proxy((p: CutoffScanProgress) => {
    const s = useEvaluate.getState();
    if (s.run.status !== 'running' && s.run.status !== 'cancelling') return;
    const first = s.run.firstAt === undefined && p.stage !== 'load' && p.stage !== 'skip';
    s.setRun({
      fraction: p.fraction,
      done: p.cutoffIndex * perCutoff + p.done,
      total: perCutoff * p.nCutoffs,
      stage: p.stage,
      size: p.size,
      fold: p.fold,
      message: `cutoff ${p.cutoff} Å, ${p.cutoffIndex + 1} of ${p.nCutoffs}${p.message ? `; ${p.message}` : ''}`,
      ...(first ? { firstAt: Date.now(), firstFraction: p.fraction } : {}),
    });
    if (p.scan) useScan.getState().setScan(p.scan, source);
  });
  const call = getServices().compute.call((api) => api.runCutoffScan(req, onProgress));
  await settleRun(call, (out) => useScan.getState().setScan(out.scan, source), 'The cutoff scan');
}

/**
 * Waits for a worker run of the tab, keeps what it returned (`keep`) and sets the run's final status:
 * done, cancelled (finished folds kept), or an error shown under `what` ("The experiment failed.").
 */
async function settleRun<T extends { cancelled: boolean }>(
  call: Promise<T>,
  keep: (out: T) => void,
  what: string,
): Promise<void> {
  activeRun = call;
  useStore.getState().dismissErrorsFrom('evaluate');
  try {
    const out = await call;
    keep(out);
    useEvaluate.getState().setRun({
      status: out.cancelled ? 'cancelled' : 'done',
      fraction: out.cancelled ? useEvaluate.getState().run.fraction : 1,
      endedAt: Date.now(),
    });
  } catch (e) {
    if (isCancelled(e) || useEvaluate.getState().run.status === 'cancelling')
      useEvaluate.getState().setRun({ status: 'cancelled', endedAt: Date.now() });
    else {
      useEvaluate.getState().setRun({ status: 'error', error: message(e), endedAt: Date.now() });
      useStore.getState().pushError(`${what} failed.`, message(e), 'evaluate');
    }
  } finally {
    if (activeRun === call) activeRun = null;
  }
}

/**
 * Stops the run: asks the worker to abort (finished folds are kept); if it does not stop within a few
 * seconds (a long uninterruptible step), the worker is terminated and restarted.
 */
export async function cancelExperiment() {
  const ev = useEvaluate.getState();
  if (ev.run.status !== 'running') return;
  ev.setRun({ status: 'cancelling' });
  const run = activeRun;
  await stopComputeJob(
    (api) => api.cancelExperiment(),
    run,
    () => activeRun === run,
    4000,
  );
}

/** Adds the best fold's model of `size` to the shared models (trained again in the worker if needed). */
export async function addBestModel(rec: DatasetRecord, size: number, onStatus: (s: string) => void) {
  const ev = useEvaluate.getState();
  const res = ev.results;
  if (!res) return;
  const s = res.summary.find((q) => q.size === size);
  if (!s) return;
  onStatus(`Getting the best model of n = ${size} (fold ${s.bestFold + 1})…`);
  // progress messages from the worker can arrive after its answer: they must not overwrite the outcome
  let settled = false;
  try {
    const out = await getServices().compute.call((api) =>
      api.bestFoldModel(
        { dataset: refOf(rec), results: res, size },
        Comlink.proxy((p: ExperimentProgress) => {
          if (!settled) onStatus(`Training the best fold again: ${Math.round(p.fraction * 100)}%`);
        }),
      ),
    );
    settled = true;
    useModels.getState().addModel({
      label: `${resultsLabel(res).split(' · ')[0]} n=${size} fold ${out.fold + 1} (${rec.name})`,
      kind: res.spec.model,
      serialized: out.model,
      z: out.z,
      trainedOn: rec.id,
      nTrain: out.nTrain,
      metrics: {
        eRmse: s.best.eRmse,
        eMae: s.best.eMae,
        fRmse: s.best.fRmse,
        fMae: s.best.fMae,
        nTest: s.best.n,
      },
    });
    onStatus(
      `Added the best model of n = ${size} (fold ${out.fold + 1}${out.retrained ? ', trained again from its stored frames' : ''}) to the models.`,
    );
  } catch (e) {
    settled = true;
    onStatus(isCancelled(e) ? 'Cancelled.' : `Could not get the model: ${message(e)}`);
  }
}

/** Shows a representative frame of a cluster in the Explore tab's 3D view. */
export async function showClusterGeometry(
  rec: DatasetRecord,
  res: ExperimentResults,
  which: 'phi' | 'geometry',
  cluster: number,
  onStatus: (s: string) => void,
) {
  const label = which === 'phi' ? `|φ| ${phiClusterLabel(cluster)}` : `geometry cluster ${cluster}`;
  onStatus(`Finding a geometry of ${label}…`);
  try {
    const g = await getServices().compute.call((api) =>
      api.clusterGeometry({ dataset: refOf(rec), results: res, which, cluster }),
    );
    useStore.getState().setMolecule({
      name: `${rec.name}, frame ${g.index} (${label})`,
      theory: rec.theory,
      source: `Evaluate tab: ${g.note}; ${g.members} frames of the dataset in this cluster`,
      z: g.z,
      R: g.R,
      E: Number.isFinite(g.E) ? g.E : undefined,
    });
    onStatus(`Frame ${g.index} (${g.note}; ${g.members} frames in ${label}) is on the Explore tab.`);
  } catch (e) {
    onStatus(isCancelled(e) ? 'Cancelled.' : `Could not show the cluster: ${message(e)}`);
  }
}
