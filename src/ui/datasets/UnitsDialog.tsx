/** Asks for the units of a file that does not state them (plain XYZ; extended XYZ without e_unit). */
import { useRef, useState } from 'react';
import type { EnergyUnit, LengthUnit } from '../../chem/units';
import type { UnitsQuestion } from './tabStore';
import { useFocusTrap } from './useFocusTrap';

const ENERGY: { value: EnergyUnit; label: string }[] = [
  { value: 'eV', label: 'eV' },
  { value: 'kcal/mol', label: 'kcal/mol' },
  { value: 'Hartree', label: 'Hartree' },
  { value: 'kJ/mol', label: 'kJ/mol' },
];
const LENGTH: { value: LengthUnit; label: string }[] = [
  { value: 'Ang', label: 'Å (ångström)' },
  { value: 'Bohr', label: 'Bohr' },
];
const slug = (s: string) => s.replace(/[^a-z]/gi, '').toLowerCase();

export function UnitsDialog({ q }: { q: UnitsQuestion }) {
  // extended XYZ is ASE's eV/Å by convention; the paper's plain XYZ files are kcal/mol and Å
  const [energy, setEnergy] = useState<EnergyUnit>(q.probe.format === 'extxyz' ? 'eV' : 'kcal/mol');
  const [length, setLength] = useState<LengthUnit>(q.probe.lengthUnit === 'Bohr' ? 'Bohr' : 'Ang');
  const [gradients, setGradients] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const ok = () =>
    q.answer({ energyUnit: energy, lengthUnit: length, forcesAreGradients: gradients || undefined });
  const cancel = () => q.answer(null);
  // an accessible modal: focus stays inside, Escape cancels, focus goes back to the opener on close
  useFocusTrap(dialog, cancel, () => document.querySelector<HTMLElement>('[data-testid="dataset-add"]'));

  return (
    <div className="ds-backdrop">
      <div
        ref={dialog}
        className="ds-dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="ds-units-title"
        aria-describedby="ds-units-desc"
        tabIndex={-1}
        data-testid="units-dialog"
      >
        <h2 id="ds-units-title">Units of {q.fileName}</h2>
        <p className="muted" id="ds-units-desc">
          {q.probe.format === 'xyz'
            ? 'Plain XYZ files do not say their units.'
            : 'This extended XYZ file has no e_unit / r_unit keys.'}{' '}
          Which units are its energies, forces and positions in?
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            ok();
          }}
        >
          <fieldset>
            <legend>Energy (forces are energy / length)</legend>
            {ENERGY.map((u) => (
              <label key={u.value} className="ds-radio">
                <input
                  type="radio"
                  name="ds-energy"
                  value={u.value}
                  checked={energy === u.value}
                  onChange={() => setEnergy(u.value)}
                  data-testid={`units-energy-${slug(u.value)}`}
                />
                {u.label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Length</legend>
            {LENGTH.map((u) => (
              <label key={u.value} className="ds-radio">
                <input
                  type="radio"
                  name="ds-length"
                  value={u.value}
                  checked={length === u.value}
                  onChange={() => setLength(u.value)}
                  data-testid={`units-length-${slug(u.value)}`}
                />
                {u.label}
              </label>
            ))}
          </fieldset>
          <label className="ds-radio">
            <input type="checkbox" checked={gradients} onChange={(e) => setGradients(e.target.checked)} />
            the force columns hold gradients ∂E/∂R (negate them)
          </label>
          <div className="ds-actions">
            <button type="submit" data-testid="units-ok">
              Read the file
            </button>
            <button type="button" className="ghost" onClick={cancel} data-testid="units-cancel">
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
