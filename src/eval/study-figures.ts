/**
 * Dataset figures of the study (the paper's Figs. 2–3): the energy distribution and the distribution of
 * all interatomic distances, with the 5 Å cutoff of the local models marked. SVG via report-svg.ts.
 */
import type { Dataset } from '../data/dataset.ts';
import { binCentres, distanceHistogram, energyHistogram } from '../data/stats.ts';
import { panelsSvg, PALETTE, type Series } from './report-svg.ts';
import type { ExperimentResults } from './results.ts';

/** One sGDML learning curve for the descriptor comparison: which mechanism it was trained on, and how. */
export interface DescriptorCurve {
  mechanism: string;
  descriptor: string;
  results: ExperimentResults;
}

/**
 * The paper's Fig. 6b: best-fold test energy and force RMSE against training size for sGDML with each
 * descriptor (one colour per descriptor) on each azobenzene mechanism (solid: the first mechanism in
 * `curves`, dashed: the others).
 */
export function descriptorComparisonSvg(curves: DescriptorCurve[]): string {
  const descriptors = [...new Set(curves.map((c) => c.descriptor))];
  const mechanisms = [...new Set(curves.map((c) => c.mechanism))];
  const series = (key: 'eRmse' | 'fRmse'): Series[] =>
    curves.map((c) => ({
      name: `${c.mechanism}, ${c.descriptor}`,
      color: PALETTE[descriptors.indexOf(c.descriptor) % PALETTE.length],
      x: c.results.summary.map((q) => q.size),
      y: c.results.summary.map((q) => q.best[key]),
      dash: mechanisms.indexOf(c.mechanism) > 0,
    }));
  const panel = (key: 'eRmse' | 'fRmse', title: string, yLabel: string) => ({
    title,
    xLabel: 'training set size',
    yLabel,
    logX: true,
    logY: true,
    series: series(key),
    legend: 'bottom-left' as const,
  });
  return panelsSvg(
    [
      panel('eRmse', 'Energy', 'test energy RMSE (kcal/mol)'),
      panel('fRmse', 'Forces', 'test force RMSE (kcal/mol/Å)'),
    ],
    {
      width: 480,
      height: 360,
      caption: 'sGDML descriptors on azobenzene (paper Fig. 6b): best fold of each training size',
    },
  );
}

/** Histogram of E − E_min (kcal/mol), as a share of the frames per bin. */
export function energyHistogramSvg(ds: Dataset, label: string): string {
  const h = energyHistogram(ds, { binWidth: 1 });
  const x = binCentres(h);
  return panelsSvg(
    [
      {
        title: `${label}: energies`,
        xLabel: 'E − E_min (kcal/mol)',
        yLabel: 'share of frames per 1 kcal/mol bin (%)',
        series: [
          { name: `${ds.nFrames} frames`, color: PALETTE[0], x, y: h.counts.map((c) => (100 * c) / h.total) },
        ],
        legend: 'top-right',
      },
    ],
    { caption: `${ds.theory.split(' (')[0]}, E_min = ${h.min.toFixed(1)} kcal/mol` },
  );
}

/** Histogram of all interatomic distances (Å) with the cutoff line; the caption gives the share beyond it. */
export function distanceHistogramSvg(ds: Dataset, label: string, cutoff = 5): string {
  const h = distanceHistogram(ds, { cutoff, maxFrames: 1000 });
  const x = binCentres(h);
  const y = h.counts.map((c) => (100 * c) / h.total);
  const top = Math.max(...y);
  return panelsSvg(
    [
      {
        title: `${label}: interatomic distances`,
        xLabel: 'distance (Å)',
        yLabel: 'share of atom pairs per 0.1 Å bin (%)',
        series: [
          { name: `all pairs, ${h.framesUsed} frames`, color: PALETTE[0], x, y },
          { name: `cutoff ${cutoff} Å`, color: '#d62728', x: [cutoff, cutoff], y: [0, top], dash: true },
        ],
        legend: 'top-right',
      },
    ],
    {
      caption: `${(100 * h.fractionBeyondCutoff).toFixed(1)} % of atom pairs beyond ${cutoff} Å (longest ${h.maxDistance.toFixed(1)} Å)`,
    },
  );
}
