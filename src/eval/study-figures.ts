/**
 * Dataset figures of the study (the paper's Figs. 2–3): the energy distribution and the distribution of
 * all interatomic distances, with the 5 Å cutoff of the local models marked. SVG via report-svg.ts.
 */
import type { Dataset } from '../data/dataset.ts';
import { binCentres, distanceHistogram, energyHistogram } from '../data/stats.ts';
import { panelsSvg, PALETTE } from './report-svg.ts';

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
