/**
 * A number field that lets the user type freely: the text is kept as typed, `onValue` hears each value
 * that parses and lies in [min, max], and on blur (or Enter) the text is clamped into range. Clamping
 * on every keystroke would turn the "5" of a "500" being typed into the minimum at once.
 */
import { useState, type InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'min' | 'max' | 'type'> & {
  value: number;
  min: number;
  max: number;
  /** Only whole numbers (rounded on blur). */
  integer?: boolean;
  onValue: (v: number) => void;
};

/** `text` as a number in [min, max] (rounded when `integer`), or null when it is not a number. */
export function clampNumberText(text: string, min: number, max: number, integer = false): number | null {
  if (text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  const r = integer ? Math.round(v) : v;
  return Math.min(max, Math.max(min, r));
}

export function NumberInput({
  value,
  min,
  max,
  integer = false,
  onValue,
  onBlur,
  onKeyDown,
  ...rest
}: Props) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  // a new value from outside (a reset, a restored setting) replaces the text unless it already says it
  if (shown !== value) {
    setShown(value);
    if (!(text.trim() !== '' && Number(text) === value)) setText(String(value));
  }
  const commit = () => {
    const v = clampNumberText(text, min, max, integer) ?? value;
    setText(String(v));
    if (v !== value) onValue(v);
  };
  return (
    <input
      {...rest}
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      min={min}
      max={max}
      step={integer ? 1 : (rest.step ?? 'any')}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        const whole = !integer || Number.isInteger(v);
        if (e.target.value.trim() !== '' && v >= min && v <= max && whole) onValue(v);
      }}
      onBlur={(e) => {
        commit();
        onBlur?.(e);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        onKeyDown?.(e);
      }}
    />
  );
}
