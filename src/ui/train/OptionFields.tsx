/** The selected model's options as labelled inputs (the paper's defaults pre-filled). */
import { FIELDS, fieldVisible, type TrainKind } from './options';

export interface OptionFieldsProps {
  kind: TrainKind;
  values: Record<string, string>;
  disabled: boolean;
  onChange(name: string, value: string): void;
}

export function OptionFields({ kind, values, disabled, onChange }: OptionFieldsProps) {
  return (
    <div className="train-grid" data-testid="train-options">
      {FIELDS[kind]
        .filter((f) => fieldVisible(f, values))
        .map((f) => {
          const id = `train-opt-${kind}-${f.name}`;
          const label = `${f.label}${f.unit ? ` (${f.unit})` : ''}`;
          return (
            <div className="train-field" key={f.name}>
              <label htmlFor={id}>{label}</label>
              {f.type === 'select' ? (
                <select
                  id={id}
                  value={values[f.name] ?? f.default}
                  disabled={disabled}
                  onChange={(e) => onChange(f.name, e.target.value)}
                  data-testid={`train-opt-${f.name}`}
                >
                  {f.choices?.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={id}
                  type={f.type === 'number' ? 'number' : 'text'}
                  step={f.step}
                  inputMode={f.type === 'number' ? 'decimal' : undefined}
                  value={values[f.name] ?? ''}
                  placeholder={f.default === '' ? 'default' : undefined}
                  disabled={disabled}
                  onChange={(e) => onChange(f.name, e.target.value)}
                  data-testid={`train-opt-${f.name}`}
                  aria-describedby={f.help ? `${id}-help` : undefined}
                />
              )}
              {f.help && (
                <span className="hint" id={`${id}-help`}>
                  {f.help}
                </span>
              )}
            </div>
          );
        })}
    </div>
  );
}
