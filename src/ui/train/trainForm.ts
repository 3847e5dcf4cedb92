/**
 * The Train form (model kind, each kind's option values and frame counts), kept in localStorage so a
 * reload shows what the user had typed. A saved value replaces the default only where it still fits the
 * form: known option names, and for a select one of its current choices.
 */
import { mergeStored, readStored, writeStored } from '../../state/stored';
import { defaultSizes, defaultValues, FIELDS, TRAIN_KINDS, type TrainKind } from './options';

export type Sizes = { nTrain: string; nValid: string; nTest: string; seed: string };

export interface TrainForm {
  kind: TrainKind;
  values: Record<TrainKind, Record<string, string>>;
  sizes: Record<TrainKind, Sizes>;
}

const KEY = 'pes.train.form';
const KINDS = TRAIN_KINDS.map((k) => k.kind);

function sizesOf(k: TrainKind): Sizes {
  const d = defaultSizes(k);
  return { nTrain: String(d.nTrain), nValid: String(d.nValid), nTest: String(d.nTest), seed: '1' };
}

function valuesOf(k: TrainKind, saved: unknown): Record<string, string> {
  const v = mergeStored(defaultValues(k), saved);
  for (const f of FIELDS[k])
    if (f.type === 'select' && !f.choices?.some((c) => c.value === v[f.name])) v[f.name] = f.default;
  return v;
}

export function restoreTrainForm(): TrainForm {
  const raw = readStored(KEY);
  const s = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof TrainForm, unknown>>;
  const part = (o: unknown, k: TrainKind): unknown =>
    o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined;
  const kind = KINDS.find((k) => k === s.kind) ?? 'sgdml';
  return {
    kind,
    values: Object.fromEntries(KINDS.map((k) => [k, valuesOf(k, part(s.values, k))])) as TrainForm['values'],
    sizes: Object.fromEntries(
      KINDS.map((k) => [k, mergeStored(sizesOf(k), part(s.sizes, k))]),
    ) as TrainForm['sizes'],
  };
}

export function saveTrainForm(f: TrainForm): void {
  writeStored(KEY, f);
}
