/**
 * Finds what to show first: the bundled manifest (public/data/manifest.json) and, from it, a path
 * geometry; when the bundled data is not there yet, the starter molecule in public/data/demo/.
 * Geometry JSON is read tolerantly (z or symbols; frames/points/R; flat or nested coordinates).
 */
import type { DatasetEntry, Molecule } from '../state/store';
import { atomicNumberOf } from '../ui/elements';

export const DEMO_GEOMETRY = 'data/demo/azobenzene.json';
const MANIFEST = 'data/manifest.json';

const base = () => import.meta.env.BASE_URL ?? '/';

/** Fetches JSON; resolves null when the file is absent (404, or a dev server's HTML fallback). */
export async function fetchJsonIfPresent(path: string): Promise<unknown | null> {
  const res = await fetch(base() + path, { cache: 'no-cache' });
  if (!res.ok) return null;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return null;
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`, {
      cause: e,
    });
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function flatNumbers(v: unknown, what: string): Float64Array {
  const out: number[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'number' && Number.isFinite(x)) out.push(x);
    else throw new Error(`${what}: expected numbers, found ${JSON.stringify(x)}`);
  };
  walk(v);
  return Float64Array.from(out);
}

/** Parses one geometry (the first frame/point) from a geometry or path JSON document. */
export function parseGeometryJson(doc: unknown, source: string): Molecule {
  if (!isObj(doc)) throw new Error(`${source}: not a JSON object`);
  let z: Int32Array;
  if (Array.isArray(doc.z)) z = Int32Array.from(doc.z as number[]);
  else if (Array.isArray(doc.symbols ?? doc.elements))
    z = Int32Array.from(((doc.symbols ?? doc.elements) as string[]).map(atomicNumberOf));
  else throw new Error(`${source}: no atom list ("z" or "symbols")`);
  const frames = (doc.frames ?? doc.points) as unknown;
  const first = Array.isArray(frames) ? frames[0] : doc;
  if (!isObj(first)) throw new Error(`${source}: no frames`);
  const rawR = first.R ?? first.positions ?? first.coords;
  if (rawR === undefined) throw new Error(`${source}: first frame has no coordinates ("R")`);
  let R = flatNumbers(rawR, `${source} R`);
  if (R.length > z.length * 3 && R.length % (z.length * 3) === 0) R = R.slice(0, z.length * 3);
  if (R.length !== z.length * 3)
    throw new Error(`${source}: ${z.length} atoms need ${z.length * 3} coordinates, found ${R.length}`);
  const e = first.E ?? first.energy;
  return {
    name:
      typeof doc.name === 'string'
        ? doc.name
        : typeof doc.molecule === 'string' && typeof doc.id === 'string'
          ? `${doc.molecule}, ${doc.id} path (first point)`
          : source,
    theory: typeof doc.theory === 'string' ? doc.theory : undefined,
    source,
    z,
    R,
    E: typeof e === 'number' ? e : undefined,
  };
}

/** Lists datasets from a manifest, accepting an array or an object keyed by id. */
export function parseManifestDatasets(manifest: unknown): DatasetEntry[] {
  if (!isObj(manifest)) return [];
  const raw = manifest.datasets;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((d, i) => [
        String(
          (isObj(d) && (d.id ?? (typeof d.file === 'string' ? d.file.replace(/\.[^.]*$/, '') : d.name))) || i,
        ),
        d,
      ])
    : isObj(raw)
      ? Object.entries(raw)
      : [];
  return entries
    .filter(([, d]) => isObj(d))
    .map(([id, d]) => {
      const o = d as Obj;
      return {
        id,
        name: String(o.name ?? id),
        file: String(o.file ?? o.path ?? o.url ?? ''),
        nFrames:
          typeof o.nFrames === 'number' ? o.nFrames : typeof o.frames === 'number' ? o.frames : undefined,
        nAtoms: typeof o.nAtoms === 'number' ? o.nAtoms : undefined,
        theory: typeof o.theory === 'string' ? o.theory : undefined,
      };
    });
}

/** Path files named in a manifest (`paths` as an array or object; entries a string or {file}). */
export function manifestPathFiles(manifest: unknown): string[] {
  if (!isObj(manifest)) return [];
  const raw = manifest.paths;
  const list = Array.isArray(raw) ? raw : isObj(raw) ? Object.values(raw) : [];
  return list
    .map((p) => (typeof p === 'string' ? p : isObj(p) ? (p.file ?? p.path ?? p.url) : undefined))
    .filter((f): f is string => typeof f === 'string' && f.endsWith('.json'));
}

export interface InitialData {
  datasets: DatasetEntry[];
  molecule: Molecule;
  /** Non-fatal problems worth showing (e.g. a bundled path that could not be read). */
  warnings: string[];
}

export async function loadInitialData(): Promise<InitialData> {
  const warnings: string[] = [];
  let datasets: DatasetEntry[] = [];
  let molecule: Molecule | null = null;
  const manifest = await fetchJsonIfPresent(MANIFEST).catch((e: unknown) => {
    warnings.push(`Could not read ${MANIFEST}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  if (manifest) {
    datasets = parseManifestDatasets(manifest);
    for (const file of manifestPathFiles(manifest)) {
      const rel = file.startsWith('data/') ? file : `data/${file.replace(/^\.?\//, '')}`;
      try {
        const doc = await fetchJsonIfPresent(rel);
        if (doc) {
          molecule = parseGeometryJson(doc, rel);
          break;
        }
      } catch (e) {
        warnings.push(
          `Could not read the bundled path ${rel}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }
  if (!molecule) {
    const doc = await fetchJsonIfPresent(DEMO_GEOMETRY);
    if (!doc) throw new Error(`The starter molecule ${DEMO_GEOMETRY} is missing from the build.`);
    molecule = parseGeometryJson(doc, DEMO_GEOMETRY);
  }
  return { datasets, molecule, warnings };
}
