/**
 * The committed study's saved best models that fit the path on screen (same molecule), for the explorer's
 * Models card: those trained on the path's own data first, then the molecule's other datasets; within
 * each, the paper's model order. The quick study's models only where the full study has none. Pure.
 */
import type { CatalogueRun } from '../study/catalogue';

const MODEL_ORDER = ['-sgdml-inv', '-sgdml-inv-ang', '-gap', '-schnet', '-bpnn'];
const rank = (r: CatalogueRun) => MODEL_ORDER.findIndex((k) => r.id.endsWith(k)) >>> 0;
const moleculeOf = (id: string) => id.split('-')[0];

export function studyModelsFor(runs: CatalogueRun[], pathId: string | null): CatalogueRun[] {
  const withModel = runs.filter((r) => r.modelUrl);
  const full = new Set(withModel.filter((r) => r.group !== 'study-quick').map((r) => r.id));
  return withModel
    .filter((r) => r.group !== 'study-quick' || !full.has(r.id))
    .filter((r) => !pathId || moleculeOf(r.dataset) === moleculeOf(pathId))
    .sort(
      (a, b) =>
        Number(b.dataset === pathId) - Number(a.dataset === pathId) ||
        a.dataset.localeCompare(b.dataset) ||
        rank(a) - rank(b),
    );
}
