/**
 * What a tour step does to the page: the URL (hash = tab, query ?path=…&x=… for the explorer, with a
 * history entry and 'popstate' + 'hashchange' events), the shared models store (study models shown),
 * the explorer's 3D camera (a request the viewer applies once the step's path is on screen), a
 * highlight class on one element, and a 'pes:tour-step' CustomEvent on window carrying the whole step.
 */
import { xParam } from '../../state/persist';
import { requestCamera, tourCameraRequest } from '../explorer/cameraLink';
import type { TourStep } from './tourFormat';
import { tourQuery, type TourPlace } from './tourSession';

export const HIGHLIGHT_CLASS = 'tour-highlight';

/**
 * The URL a step leads to (pure): keeps unrelated query parameters (e.g. ?backend=); with `at`, also
 * the tour's own (tourQuery: ?tour=&step= for a bundled tour, none for one from a file).
 */
export function stepUrl(step: TourStep, loc: { pathname: string; search: string }, at?: TourPlace): string {
  const q = new URLSearchParams(at ? tourQuery(loc.search, at) : loc.search);
  if (step.path !== undefined) q.set('path', step.path);
  // rounded like the explorer writes it back, so the step's history entry is recognised on Back/Forward
  if (step.slider !== undefined) q.set('x', xParam(step.slider));
  if (step.camera) q.delete('cam'); // the step sets its own camera (written back once applied)
  const search = q.toString();
  return `${loc.pathname}${search ? `?${search}` : ''}#${step.tab}`;
}

/** A URL (path, query, hash) without its &cam= (pure). */
export function withoutCam(url: string): string {
  const [head, hash = ''] = url.split('#');
  const [path, search = ''] = head.split('?');
  const q = new URLSearchParams(search);
  q.delete('cam');
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}${hash ? `#${hash}` : ''}`;
}

/** Moves the page to a step (`at`: the tour's name and the step's index). Returns the element highlighted. */
export function applyStep(step: TourStep, at?: TourPlace): Element | null {
  const url = stepUrl(step, window.location, at);
  const before = window.location.href;
  const here = `${window.location.pathname}${window.location.search}${window.location.hash}`;
  // back at a step's own history entry (the browser's Back / Forward), which differs only by the camera
  // written into it since: nothing to push, so the entries after it stay
  if (url !== here && withoutCam(url) === withoutCam(here))
    window.history.replaceState(window.history.state, '', url);
  else if (url !== here) {
    window.history.pushState({ tourStep: step.title }, '', url);
    window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
    window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL: before, newURL: window.location.href }));
  }
  // After the path change above, so the request waits for the step's path when that is loading.
  if (step.camera) requestCamera(tourCameraRequest(step.camera));
  window.dispatchEvent(new CustomEvent('pes:tour-step', { detail: step }));
  return highlight(step.highlight);
}

/** Highlights the first element matching `selector` (removing any earlier highlight). */
export function highlight(selector: string | undefined): Element | null {
  for (const el of document.querySelectorAll(`.${HIGHLIGHT_CLASS}`)) el.classList.remove(HIGHLIGHT_CLASS);
  if (!selector) return null;
  let el: Element | null;
  try {
    el = document.querySelector(selector);
  } catch {
    return null;
  }
  if (!el) return null;
  el.classList.add(HIGHLIGHT_CLASS);
  el.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  return el;
}
