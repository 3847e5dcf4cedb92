/**
 * Export formats of the explorer (pure functions): CSV of the energy profiles and extended XYZ of
 * the path's computed points with the reference (REF_energy, REF_forces) and each model's
 * predictions (<MODEL>_energy, <MODEL>_forces), plus the key coordinates per frame.
 */
import type { ReactionPath } from '../../chem/pathInterp';
import { measure } from '../../chem/keyCoords';
import { writeXyz, type ModelColumns } from '../../data/io/extxyz';
import type { ModelProfile } from '../../state/explorer';

export interface NamedProfile {
  label: string;
  profile: ModelProfile;
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : String(v));

/** Long-format CSV: one row per reference point and per model sample. */
export function profilesCsv(path: ReactionPath, models: NamedProfile[]): string {
  const xName = `${path.driver.key}_${path.driver.unit === '°' ? 'deg' : path.driver.unit || 'index'}`;
  const rows = [
    [
      'series',
      'kind',
      xName,
      'point',
      'E_minus_E_start_kcal_per_mol',
      'sd_kcal_per_mol',
      'force_rmse_kcal_per_mol_per_A',
    ],
  ];
  path.points.forEach((p, k) =>
    rows.push(['reference', 'computed point', num(path.xs[k]), String(k), num(p.dE), '', '']),
  );
  for (const { label, profile: pr } of models) {
    if (pr.error || pr.pathId !== path.id) continue;
    for (let i = 0; i < pr.x.length; i++)
      rows.push([label, 'curve', num(pr.x[i]), '', num(pr.E[i]), num(pr.sd?.[i]), '']);
    for (let k = 0; k < pr.pointE.length; k++)
      rows.push([
        label,
        'computed point',
        num(path.xs[k]),
        String(k),
        num(pr.pointE[k]),
        '',
        num(pr.pointFRmse[k]),
      ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** extxyz column prefix from a model label: letters, digits and underscores. */
export function columnName(label: string, taken: Set<string>): string {
  let base = label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'MODEL';
  if (/^[0-9]/.test(base)) base = `M_${base}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

export function pathExtxyz(path: ReactionPath, models: NamedProfile[]): string {
  const n = path.points.length;
  const n3 = 3 * path.nAtoms;
  const R = new Float64Array(n * n3);
  const F = new Float64Array(n * n3);
  const hasF = path.points.every((p) => p.F);
  path.points.forEach((p, k) => {
    R.set(p.R, k * n3);
    if (p.F) F.set(p.F, k * n3);
  });
  const taken = new Set<string>(['REF']);
  const cols: ModelColumns[] = models
    .filter((m) => !m.profile.error && m.profile.pathId === path.id && m.profile.pointEabs.length === n)
    .map((m) => ({ name: columnName(m.label, taken), E: m.profile.pointEabs, F: m.profile.pointF }));
  const frameProps: Record<string, Float64Array> = {
    path_point: Float64Array.from({ length: n }, (_, k) => k),
    [`slider_${path.driver.key}`]: Float64Array.from(path.xs),
  };
  for (const c of path.keyCoords) frameProps[c.key] = Float64Array.from(path.points, (p) => measure(p.R, c));
  return writeXyz(
    {
      name: `${path.id} path`,
      theory: path.theory,
      z: path.z,
      nAtoms: path.nAtoms,
      nFrames: n,
      R,
      E: Float64Array.from(path.points, (p) => p.E),
      F: hasF ? F : null,
    },
    { models: cols, frameProps },
  );
}

/** Starts a browser download of text or a data URL. */
export function download(filename: string, content: string, type = 'text/plain'): void {
  const a = document.createElement('a');
  let url = content;
  let revoke = false;
  if (!content.startsWith('data:')) {
    url = URL.createObjectURL(new Blob([content], { type }));
    revoke = true;
  }
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (revoke) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
