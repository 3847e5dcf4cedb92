/**
 * The committed study results, found at build time by Vite (import.meta.glob): every index.json is
 * bundled (small, listed at once); results, models and figures are emitted as assets and fetched only when
 * a run is picked, so nothing is recomputed and the page stays light.
 */
import { buildCatalogue } from './catalogue';

const indexes = import.meta.glob('/docs/results/**/index.json', {
  eager: true,
  import: 'default',
}) as Record<string, unknown>;

const jsonUrls = import.meta.glob(['/docs/results/**/*.json', '!**/index.json'], {
  eager: true,
  query: '?url',
  import: 'default',
}) as Record<string, string>;

const svgUrls = import.meta.glob('/docs/results/**/*.svg', {
  eager: true,
  query: '?url',
  import: 'default',
}) as Record<string, string>;

export const studyCatalogue = buildCatalogue(indexes, { ...jsonUrls, ...svgUrls });
