/**
 * What the Datasets tab does: add a user's file (size check, units question when the file does not
 * state them, parse and statistics in the data worker, keep it in IndexedDB), restore stored files at
 * start, compute the statistics of a selected dataset, change the dihedral, remove a user dataset.
 * A failure shows the reader's message (store.pushError and inline) and changes nothing else.
 */
import { getDataClient } from '../../compute/dataClient';
import { isCancelled } from '../../compute/workerClient';
import type { TaskProgress } from '../../compute/workerApi';
import { AZO_Z } from '../../chem/azobenzene';
import { GLY_Z } from '../../chem/glycine';
import type { Dataset } from '../../data/dataset';
import type { ReadDatasetOptions } from '../../data/io/index';
import { checkDihedralAtoms } from '../../data/stats';
import { probeUnits } from '../../data/unitsProbe';
import { refOf, useDatasets, type DatasetRecord } from '../../state/datasets';
import { deleteDatasetFile, loadDatasetFiles, saveDatasetFile } from '../../state/datasetPersist';
import { useStore } from '../../state/store';
import { useDatasetsTab } from './tabStore';

/** Largest file the browser is asked to read (the bundled datasets are ≈ 16 MB). */
export const MAX_FILE_BYTES = 300 * 1024 * 1024;
export const ACCEPTED = ['.npz', '.xyz', '.extxyz'];

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Why a file is refused before reading it, or null. */
export function fileRefusal(name: string, size: number, limit = MAX_FILE_BYTES): string | null {
  const ext = name.toLowerCase().replace(/^.*(\.[^.]*)$/, '$1');
  if (!ACCEPTED.includes(ext))
    return `${name}: not a dataset file; expected ${ACCEPTED.join(', ')} (sGDML .npz, extended or plain XYZ)`;
  if (size > limit)
    return `${name} is ${(size / 1024 ** 2).toFixed(0)} MB; the browser reads dataset files up to ${(limit / 1024 ** 2).toFixed(0)} MB. Take a subset of the frames (e.g. with \`pes convert\`) or use the command line.`;
  return null;
}

/**
 * Progress reports travel on their own message channel and may arrive after the call has returned:
 * only a task still listed is updated.
 */
function updateTask(key: string, label: string, p: TaskProgress) {
  const tab = useDatasetsTab.getState();
  if (tab.tasks[key]) tab.setTask(key, { label, ...p });
}

function fail(message: string, detail?: string) {
  useDatasetsTab.getState().setInlineError({ message, detail });
  useStore.getState().pushError(message, detail);
}

const sameZ = (z: Int32Array, ref: readonly number[]) =>
  z.length === ref.length && ref.every((v, i) => z[i] === v);

function recordOf(id: string, ds: Dataset, warnings: string[]): DatasetRecord {
  return {
    id,
    name: ds.name,
    origin: 'user',
    nFrames: ds.nFrames,
    nAtoms: ds.nAtoms,
    theory: ds.theory,
    molecule: sameZ(ds.z, AZO_Z) ? 'azobenzene' : sameZ(ds.z, GLY_Z) ? 'glycine' : undefined,
    dataset: ds,
    warnings,
  };
}

/** Parses bytes in the data worker and adds the dataset. */
async function parseAndAdd(
  fileName: string,
  bytes: Uint8Array,
  read: ReadDatasetOptions,
  { persist, select }: { persist: boolean; select: boolean },
): Promise<'added' | 'failed' | 'cancelled'> {
  const tab = useDatasetsTab.getState();
  const key = `parse:${fileName}`;
  const client = getDataClient();
  tab.setTask(key, { label: `Reading ${fileName}`, fraction: 0 });
  const cancelsBefore = cancels;
  try {
    const r = await client.call((api) =>
      api.parseFile(
        fileName,
        bytes,
        read,
        {},
        client.progress((p) => updateTask(key, `Reading ${fileName}`, p)),
      ),
    );
    if (cancels !== cancelsBefore) return 'cancelled';
    const id = `user:${fileName}`;
    useDatasetsTab.getState().setStats(id, r.stats);
    useDatasetsTab.getState().setWarnings(id, r.warnings);
    useDatasets.getState().addUser(recordOf(id, r.dataset, r.warnings), select);
    if (persist) {
      // the parse is done: say what the remaining wait is for (large files take a moment to store)
      useDatasetsTab.getState().setTask(key, {
        label: `Saving ${fileName} in this browser`,
        fraction: 1,
        message: 'so that it is still here after a reload',
        cancellable: false,
      });
      await saveDatasetFile({ id, fileName, bytes, read, addedAt: Date.now() }).catch((e: unknown) =>
        useStore.getState().pushError(`${fileName} was added but will not survive a reload`, errText(e)),
      );
    }
    return 'added';
  } catch (e) {
    if (isCancelled(e)) return 'cancelled';
    fail(`Could not read ${fileName}`, errText(e));
    return 'failed';
  } finally {
    useDatasetsTab.getState().setTask(key, null);
  }
}

/** Asks the user for the units of a file that does not state them; null when cancelled. */
function askUnits(
  fileName: string,
  probe: ReturnType<typeof probeUnits>,
): Promise<ReadDatasetOptions | null> {
  return new Promise((resolve) => {
    useDatasetsTab.getState().setQuestion({
      fileName,
      probe,
      answer: (read) => {
        useDatasetsTab.getState().setQuestion(null);
        resolve(read);
      },
    });
  });
}

/** Adds user files (picker or drop), one after the other. */
export async function addFiles(files: ArrayLike<File>): Promise<void> {
  for (const file of Array.from(files)) {
    useDatasetsTab.getState().setInlineError(null);
    const refusal = fileRefusal(file.name, file.size);
    if (refusal) {
      fail(`Could not add ${file.name}`, refusal);
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      fail(`Could not read ${file.name}`, errText(e));
      continue;
    }
    const probe = probeUnits(file.name, bytes);
    let read: ReadDatasetOptions = {};
    if (!probe.statesUnits && (probe.format === 'xyz' || probe.format === 'extxyz')) {
      const answer = await askUnits(file.name, probe);
      if (!answer) continue;
      read = answer;
    }
    await parseAndAdd(file.name, bytes, read, { persist: true, select: true });
  }
}

let restored: Promise<void> | null = null;
/** Parses the files kept in IndexedDB (once per page); the selection stays as it is. */
export function restoreUserDatasets(): Promise<void> {
  restored ??= (async () => {
    let files;
    try {
      files = await loadDatasetFiles();
    } catch (e) {
      useStore.getState().pushError('Could not restore your datasets', errText(e));
      return;
    }
    for (const f of files) {
      const r = await parseAndAdd(f.fileName, f.bytes, f.read, { persist: false, select: false });
      // a stored file that no longer reads would fail on every start: forget it (the error says why)
      if (r === 'failed') await deleteDatasetFile(f.id).catch(() => undefined);
    }
  })().finally(() => useDatasetsTab.setState({ restored: true }));
  return restored;
}

const inFlight = new Set<string>();
/** Computes (once) the statistics of a dataset that has none yet, e.g. a bundled one just selected. */
export async function ensureStats(rec: DatasetRecord): Promise<void> {
  if (useDatasetsTab.getState().stats[rec.id] || inFlight.has(rec.id)) return;
  inFlight.add(rec.id);
  const key = `stats:${rec.id}`;
  const client = getDataClient();
  const tab = useDatasetsTab.getState();
  tab.setTask(key, { label: `Statistics of ${rec.name}`, fraction: 0 });
  try {
    const s = await client.call((api) =>
      api.datasetStats(
        refOf(rec),
        {},
        client.progress((p) => updateTask(key, `Statistics of ${rec.name}`, p)),
      ),
    );
    useDatasetsTab.getState().setStats(rec.id, s);
  } catch (e) {
    if (!isCancelled(e)) fail(`Could not load ${rec.name}`, errText(e));
  } finally {
    inFlight.delete(rec.id);
    useDatasetsTab.getState().setTask(key, null);
  }
}

/** Recomputes the dihedral population of a dataset for four atoms (0-based). */
export async function changeDihedral(rec: DatasetRecord, atoms: number[]): Promise<void> {
  const tab = useDatasetsTab.getState();
  const cur = tab.stats[rec.id];
  if (!cur) return;
  const err = checkDihedralAtoms(atoms, cur.facts.nAtoms);
  if (err) {
    tab.setInlineError({ message: 'Cannot draw that dihedral', detail: err });
    return;
  }
  tab.setInlineError(null);
  const key = `dihedral:${rec.id}`;
  tab.setTask(key, { label: 'Dihedral population', fraction: 0 });
  try {
    const d = await getDataClient().call((api) => api.dihedralStats(refOf(rec), atoms));
    const now = useDatasetsTab.getState().stats[rec.id];
    if (now) useDatasetsTab.getState().setStats(rec.id, { ...now, dihedral: d });
  } catch (e) {
    if (!isCancelled(e)) fail('Could not compute the dihedral population', errText(e));
  } finally {
    useDatasetsTab.getState().setTask(key, null);
  }
}

/**
 * Counts the user's cancels. A parse whose answer was already on its way when Cancel was pressed
 * (the worker had finished, the dataset was still being copied back) is dropped too: the row said
 * "Reading" when the user cancelled, so nothing is added.
 */
let cancels = 0;

/** Stops every data-worker task (the worker restarts). */
export function cancelTasks(): void {
  cancels++;
  getDataClient().cancel();
}

export async function removeUserDataset(id: string): Promise<void> {
  useDatasets.getState().remove(id);
  useDatasetsTab.getState().forget(id);
  try {
    await deleteDatasetFile(id);
  } catch (e) {
    useStore.getState().pushError('Could not forget the stored file', errText(e));
  }
}
