/** The three charts of a dataset: energies (paper Fig. 2), interatomic distances (Fig. 3), a dihedral. */
import { useMemo, useState } from 'react';
import type { DatasetStats } from '../../compute/dataTasks';
import type { DatasetRecord } from '../../state/datasets';
import { changeDihedral } from './actions';
import { HistogramPlot } from './HistogramPlot';

export function DatasetCharts({ rec, stats }: { rec: DatasetRecord; stats: DatasetStats }) {
  const energy = useMemo(() => {
    const e = stats.energy;
    if (!e) return null;
    const series =
      e.groups && e.groups.length > 1
        ? e.groups.map((g) => ({ name: `${g.label} (${g.total})`, counts: g.counts }))
        : [{ name: 'frames', counts: e.counts }];
    return { edges: e.edges, series };
  }, [stats.energy]);
  const dist = useMemo(
    () => ({
      series: [{ name: 'pair distances', counts: stats.distances.counts }],
      markers: [
        {
          x: stats.distances.cutoff,
          label: ` ${stats.distances.cutoff} Å cutoff: ${(stats.distances.fractionBeyondCutoff * 100).toFixed(1)} % beyond`,
        },
      ],
    }),
    [stats.distances],
  );
  const dih = useMemo(
    () => (stats.dihedral ? [{ name: 'frames', counts: stats.dihedral.counts }] : null),
    [stats.dihedral],
  );

  return (
    <div className="ds-charts">
      {energy ? (
        <HistogramPlot
          testId="chart-energy"
          title={`Energies relative to the minimum (${stats.energy!.total.toLocaleString('en')} frames)`}
          xLabel="E − E_min (kcal/mol)"
          yLabel="frames per bin"
          edges={energy.edges}
          series={energy.series}
        />
      ) : (
        <p className="muted" data-testid="chart-energy-none">
          This dataset has no energies.
        </p>
      )}
      <HistogramPlot
        testId="chart-distances"
        title={`Interatomic distances (all atom pairs, ${stats.distances.framesUsed.toLocaleString('en')} frames)`}
        xLabel="distance (Å)"
        yLabel="pairs per 0.1 Å bin"
        edges={stats.distances.edges}
        series={dist.series}
        markers={dist.markers}
      />
      {stats.dihedral && dih ? (
        <div>
          <HistogramPlot
            testId="chart-dihedral"
            title={`Population of ${stats.dihedral.label}`}
            xLabel={`${stats.dihedral.label} (degrees)`}
            yLabel="frames per 5° bin"
            edges={stats.dihedral.edges}
            series={dih}
            xRange={[-180, 180]}
            xTickStep={60}
          />
          <DihedralPicker
            key={`${rec.id}:${stats.dihedral.atoms.join(',')}`}
            rec={rec}
            atoms={stats.dihedral.atoms}
            n={stats.facts.nAtoms}
          />
        </div>
      ) : (
        <p className="muted">Fewer than four atoms: no dihedral to show.</p>
      )}
    </div>
  );
}

/** Four atom numbers (1-based) for the dihedral chart. */
function DihedralPicker({ rec, atoms, n }: { rec: DatasetRecord; atoms: number[]; n: number }) {
  const [vals, setVals] = useState(atoms.map((a) => String(a + 1)));
  return (
    <form
      className="ds-dihedral"
      // our own message names the bad atom and the valid range
      noValidate
      aria-label="Dihedral atoms"
      onSubmit={(e) => {
        e.preventDefault();
        void changeDihedral(
          rec,
          vals.map((v) => Number(v) - 1),
        );
      }}
    >
      <span className="muted">Atoms (1–{n}):</span>
      {vals.map((v, i) => (
        <input
          key={i}
          type="number"
          min={1}
          max={n}
          step={1}
          value={v}
          aria-label={`dihedral atom ${i + 1}`}
          data-testid={`dihedral-atom-${i + 1}`}
          onChange={(e) => setVals((old) => old.map((o, j) => (j === i ? e.target.value : o)))}
        />
      ))}
      <button type="submit" data-testid="dihedral-apply">
        Show
      </button>
    </form>
  );
}
