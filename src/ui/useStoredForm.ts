/**
 * A form's values kept in localStorage (state/stored.ts), so a reload shows what the user had set: the
 * defaults, each replaced by a saved value of the same type. `setter(name)` gives the onChange of one field.
 */
import { useCallback, useEffect, useState } from 'react';
import { mergeStored, readStored, writeStored } from '../state/stored';

export function useStoredForm<T extends object>(
  key: string,
  defaults: T,
): [T, <K extends keyof T>(name: K) => (value: T[K]) => void] {
  const [form, setForm] = useState(() => mergeStored(defaults, readStored(key)));
  useEffect(() => writeStored(key, form), [key, form]);
  const setter = useCallback(
    <K extends keyof T>(name: K) =>
      (value: T[K]) =>
        setForm((f) => ({ ...f, [name]: value })),
    [],
  );
  return [form, setter];
}
