/**
 * The Study view's catalogue of runs: merges every committed index.json (written by `pes study` or
 * `pes study --collect`) and lists results files no index mentions, each with the URL it is fetched
 * from. Pure: the file→URL maps come from Vite's import.meta.glob (studyFiles.ts) or a test.
 */
import type { StudyIndex, StudyIndexEntry } from '../../eval/study';

export interface CatalogueRun {
  /** Unique key: the results file's repository path (e.g. /docs/results/study-quick/x.json). */
  key: string;
  id: string;
  dataset: string;
  model: string;
  label: string;
  /** Descriptor / preset facts shown next to the label. */
  options: Record<string, unknown>;
  status: StudyIndexEntry['status'] | 'unindexed';
  /** Folder the run came from, e.g. "study-quick" or "sgdml". */
  group: string;
  resultsUrl?: string;
  modelUrl?: string;
  figures: { name: string; url: string }[];
  best?: StudyIndexEntry['best'];
  note?: string;
  foldsDone?: number;
  foldsPlanned?: number;
  /** Estimated hours of compute left to finish a partial run (from its index). */
  hoursLeft?: number;
}

/** Normalise "a/b/../c/./d" (posix). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return '/' + out.join('/');
}

const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/'));
const groupOf = (p: string, root: string) => {
  const rel = dirOf(p).slice(root.length).replace(/^\//, '');
  return rel || '.';
};

/**
 * @param indexes  index path → parsed index (unparseable ones are reported in `problems`)
 * @param urls     repository path → URL of every results/model/figure file
 * @param root     the results root, "/docs/results"
 */
export function buildCatalogue(
  indexes: Record<string, unknown>,
  urls: Record<string, string>,
  root = '/docs/results',
): { runs: CatalogueRun[]; problems: string[] } {
  const runs = new Map<string, CatalogueRun>();
  const problems: string[] = [];
  // study indexes first (they know planned sizes and labels), then collected ones
  const entries = Object.entries(indexes).sort(([, a], [, b]) => {
    const rank = (x: unknown) => ((x as StudyIndex)?.mode === 'collect' ? 1 : 0);
    return rank(a) - rank(b);
  });
  for (const [path, raw] of entries) {
    const idx = raw as StudyIndex;
    if (!idx || idx.format !== 'pes-study-index' || !Array.isArray(idx.runs)) {
      problems.push(`${path}: not a pes study index`);
      continue;
    }
    const dir = dirOf(path);
    for (const r of idx.runs) {
      const file = r.file ? normalizePath(`${dir}/${r.file}`) : `${path}#${r.id}`;
      if (runs.has(file)) continue;
      const figureUrls = r.figures
        .map((f) => normalizePath(`${dir}/${f}`))
        .filter((f) => urls[f])
        .map((f) => ({ name: f.slice(f.lastIndexOf('/') + 1), url: urls[f] }));
      const modelPath = r.model_file ? normalizePath(`${dir}/${r.model_file}`) : undefined;
      runs.set(file, {
        key: file,
        id: r.id,
        dataset: r.dataset,
        model: r.model,
        label: r.label,
        options: r.options ?? {},
        status: r.status,
        group: groupOf(file.includes('#') ? path : file, root),
        resultsUrl: r.file ? urls[file] : undefined,
        modelUrl: modelPath ? urls[modelPath] : undefined,
        figures: figureUrls,
        best: r.best,
        note: r.file && !urls[file] ? `${r.file} is not in this build` : r.note,
        foldsDone: r.foldsDone,
        foldsPlanned: r.foldsPlanned,
        hoursLeft: r.hoursLeft,
      });
    }
  }
  for (const [path, url] of Object.entries(urls)) {
    if (!path.endsWith('.json') || path.endsWith('.model.json') || path.endsWith('/index.json')) continue;
    if (runs.has(path)) continue;
    const stem = path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    runs.set(path, {
      key: path,
      id: stem,
      dataset: '?',
      model: '?',
      label: stem,
      options: {},
      status: 'unindexed',
      group: groupOf(path, root),
      resultsUrl: url,
      figures: [],
    });
  }
  // the full study first, then the quick study, then the other results folders; unindexed files last
  const order = (r: CatalogueRun) =>
    r.status === 'unindexed' ? 3 : r.group === 'study' ? 0 : r.group.startsWith('study') ? 1 : 2;
  return {
    runs: [...runs.values()].sort(
      (a, b) => order(a) - order(b) || a.group.localeCompare(b.group) || a.id.localeCompare(b.id),
    ),
    problems,
  };
}

/** Short descriptor/preset text for a run's options, e.g. "σ 20", "fast preset" or "500 sparse points per element". */
export function optionsText(o: Record<string, unknown>): string {
  const parts: string[] = [];
  if (o.sigma !== undefined) parts.push(`σ ${String(o.sigma)}`);
  if (o.preset !== undefined) parts.push(`${String(o.preset)} preset`);
  if (o.maxEpochs !== undefined) parts.push(`${String(o.maxEpochs)} epochs`);
  if (o.nSparse !== undefined) parts.push(`${String(o.nSparse)} sparse points per element`);
  return parts.join(', ');
}

/**
 * The run a tour names by its study id (e.g. "glycine-sgdml-inv"): the full study's when it has one with
 * what is needed (a saved model, or a results file), else another folder's, the quick study's last.
 */
export function findRun(
  runs: CatalogueRun[],
  id: string,
  need: 'model' | 'results',
): CatalogueRun | undefined {
  const ok = (r: CatalogueRun) => r.id === id && Boolean(need === 'model' ? r.modelUrl : r.resultsUrl);
  return runs.find((r) => ok(r) && r.group !== 'study-quick') ?? runs.find(ok);
}

/** Hours of compute as a short text: "40 min", "3.5 h", "57 h". */
export function hoursText(h: number): string {
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  return h < 10 ? `${h.toFixed(1)} h` : `${Math.round(h)} h`;
}
