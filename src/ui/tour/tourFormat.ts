/**
 * Guided tours are JSON files (public/tours/*.json, or one a teacher writes and loads):
 *
 *   { "format": "pes-tour", "version": 1, "title": "…", "steps": [ step, … ] }
 *
 * step: { "title": string, "text": string (blank lines separate paragraphs),
 *         "tab": "explore" | "datasets" | "train" | "evaluate" | "study",
 *         "path"?: bundled path id (explorer ?path=…), "slider"?: number (explorer ?x=…, to 0.01; the path's key
 *         coordinate, e.g. φ in degrees), "models"?: study run ids whose saved best model is shown in the
 *         explorer, "runs"?: study run ids the Study tab compares (its picked runs), "dataset"?: the id
 *         of the dataset the Datasets tab shows (e.g. "glycine"), "camera"?: { "rotate"?: [x°, y°, z°], "zoom"?: number } or "reset",
 *         "highlight"?: CSS selector of the element to highlight (e.g. "[data-testid=study-bars]") }
 *
 * parseTour checks everything and names the exact field at fault.
 */
import { TABS, type TabId } from '../../app/tabs';

export interface TourCamera {
  rotate?: [number, number, number];
  zoom?: number;
  reset?: boolean;
}

export interface TourStep {
  title: string;
  text: string;
  tab: TabId;
  path?: string;
  slider?: number;
  models?: string[];
  runs?: string[];
  dataset?: string;
  camera?: TourCamera;
  highlight?: string;
}

export interface Tour {
  title: string;
  steps: TourStep[];
}

const STEP_KEYS = [
  'title',
  'text',
  'tab',
  'path',
  'slider',
  'models',
  'runs',
  'dataset',
  'camera',
  'highlight',
];

export class TourError extends Error {}

function typeName(v: unknown): string {
  return v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${JSON.stringify(v)}`;
}

/** Parses a tour JSON text; throws a TourError naming the file, the step and the field. */
export function parseTour(text: string, source = 'tour'): Tour {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new TourError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (where: string, msg: string): never => {
    throw new TourError(`${source}: ${where}: ${msg}`);
  };
  if (!o || typeof o !== 'object' || Array.isArray(o))
    fail('top level', `expected an object, got ${typeName(o)}`);
  const t = o as Record<string, unknown>;
  if (t.format !== 'pes-tour') fail('"format"', `must be "pes-tour", got ${typeName(t.format)}`);
  if (t.version !== 1) fail('"version"', `must be 1, got ${typeName(t.version)}`);
  if (typeof t.title !== 'string' || !t.title.trim()) fail('"title"', 'must be a non-empty string');
  if (!Array.isArray(t.steps)) fail('"steps"', `must be an array of steps, got ${typeName(t.steps)}`);
  const rawSteps = t.steps as unknown[];
  if (!rawSteps.length) fail('"steps"', 'is empty: a tour needs at least one step');
  const tabs = TABS.map((x) => x.id) as string[];
  const steps = rawSteps.map((raw, i): TourStep => {
    const at = (k: string) => `steps[${i}].${k}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      fail(`steps[${i}]`, `expected an object, got ${typeName(raw)}`);
    const s = raw as Record<string, unknown>;
    for (const k of Object.keys(s))
      if (!STEP_KEYS.includes(k)) fail(at(k), `unknown field (allowed: ${STEP_KEYS.join(', ')})`);
    for (const k of ['title', 'text'])
      if (typeof s[k] !== 'string' || !(s[k] as string).trim())
        fail(at(k), `must be a non-empty string, got ${typeName(s[k])}`);
    if (typeof s.tab !== 'string' || !tabs.includes(s.tab))
      fail(at('tab'), `must be one of ${tabs.join(', ')}, got ${typeName(s.tab)}`);
    const step: TourStep = { title: s.title as string, text: s.text as string, tab: s.tab as TabId };
    if (s.path !== undefined) {
      if (typeof s.path !== 'string' || !/^[\w.-]+$/.test(s.path))
        fail(at('path'), `must be a path id like "azobenzene-rotation", got ${typeName(s.path)}`);
      step.path = s.path as string;
    }
    if (s.slider !== undefined) {
      if (typeof s.slider !== 'number' || !Number.isFinite(s.slider))
        fail(at('slider'), `must be a number (the path's key coordinate), got ${typeName(s.slider)}`);
      step.slider = s.slider as number;
    }
    if (s.models !== undefined) {
      if (!Array.isArray(s.models) || s.models.some((m) => typeof m !== 'string'))
        fail(at('models'), `must be an array of study run ids (strings), got ${typeName(s.models)}`);
      step.models = s.models as string[];
    }
    if (s.runs !== undefined) {
      if (!Array.isArray(s.runs) || !s.runs.length || s.runs.some((m) => typeof m !== 'string'))
        fail(at('runs'), `must be a non-empty array of study run ids (strings), got ${typeName(s.runs)}`);
      step.runs = s.runs as string[];
    }
    if (s.dataset !== undefined) {
      if (typeof s.dataset !== 'string' || !s.dataset.trim())
        fail(at('dataset'), `must be a dataset id like "glycine", got ${typeName(s.dataset)}`);
      step.dataset = s.dataset as string;
    }
    if (s.camera !== undefined) {
      if (s.camera === 'reset') step.camera = { reset: true };
      else {
        if (!s.camera || typeof s.camera !== 'object' || Array.isArray(s.camera))
          fail(
            at('camera'),
            `must be "reset" or {"rotate": [x, y, z], "zoom": z}, got ${typeName(s.camera)}`,
          );
        const c = s.camera as Record<string, unknown>;
        for (const k of Object.keys(c))
          if (k !== 'rotate' && k !== 'zoom')
            fail(at(`camera.${k}`), 'unknown field (allowed: rotate, zoom)');
        const cam: TourCamera = {};
        if (c.rotate !== undefined) {
          const r = c.rotate;
          if (
            !Array.isArray(r) ||
            r.length !== 3 ||
            r.some((v) => typeof v !== 'number' || !Number.isFinite(v))
          )
            fail(at('camera.rotate'), `must be three angles in degrees [x, y, z], got ${typeName(r)}`);
          cam.rotate = r as [number, number, number];
        }
        if (c.zoom !== undefined) {
          if (typeof c.zoom !== 'number' || !(c.zoom > 0))
            fail(at('camera.zoom'), `must be a positive number, got ${typeName(c.zoom)}`);
          cam.zoom = c.zoom as number;
        }
        step.camera = cam;
      }
    }
    if (s.highlight !== undefined) {
      if (typeof s.highlight !== 'string' || !s.highlight.trim())
        fail(at('highlight'), `must be a CSS selector string, got ${typeName(s.highlight)}`);
      if (typeof document !== 'undefined') {
        try {
          document.querySelector(s.highlight as string);
        } catch {
          fail(at('highlight'), `"${s.highlight as string}" is not a valid CSS selector`);
        }
      }
      step.highlight = s.highlight as string;
    }
    return step;
  });
  return { title: t.title as string, steps };
}

/** The tour as JSON text in the file format again (parseTour(tourJson(t)) gives back t). */
export function tourJson(tour: Tour): string {
  const steps = tour.steps.map((s) => (s.camera?.reset ? { ...s, camera: 'reset' } : s));
  return JSON.stringify({ format: 'pes-tour', version: 1, title: tour.title, steps });
}
