import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { readDatasetWithProgress, xyzFrameOffsets, type ReadProgress } from '../../src/data/readProgress.ts';

const FIX = '/work/shared/fixtures';
const files = [`${FIX}/rmd17-ethanol/train.xyz`, `${FIX}/acac/train_300K.xyz`].filter(existsSync);

/** A plain XYZ of `n` water frames (energies in kcal/mol on the comment line). */
function water(n: number, blankBetween = false): string {
  const out: string[] = [];
  for (let m = 0; m < n; m++) {
    out.push('3', String(-100 + 0.01 * m));
    out.push(`O 0 0 ${(0.001 * m).toFixed(4)} 0 0 0.1`, 'H 0.96 0 0 0 0.1 0', 'H -0.24 0.93 0 0.1 0 0');
    if (blankBetween) out.push('');
  }
  return out.join('\n') + '\n';
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('reading a big file with progress', () => {
  it('frame offsets follow the atom counts; bad layouts give null', () => {
    const b = enc(water(3, true));
    const o = xyzFrameOffsets(b)!;
    expect(o).toHaveLength(4);
    expect(o[3]).toBe(b.length);
    expect(new TextDecoder().decode(b.subarray(o[1], o[1] + 2))).toBe('3\n');
    expect(xyzFrameOffsets(enc('3\ncomment\nO 0 0 0\n'))).toBeNull(); // truncated
    expect(xyzFrameOffsets(enc('x\n'))).toBeNull();
  });

  for (const f of files)
    it(`${f.replace(/^.*fixtures\//, '')}: chunked result equals the whole read; progress grows to the end`, () => {
      const bytes = new Uint8Array(readFileSync(f));
      const opts = { energyUnit: 'eV' };
      const whole = readDatasetFile(f, bytes, opts);
      const seen: ReadProgress[] = [];
      const r = readDatasetWithProgress(f, bytes, opts, (p) => seen.push(p), 64 * 1024);
      expect(seen.length).toBeGreaterThan(5);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i].bytesRead).toBeGreaterThan(seen[i - 1].bytesRead);
        expect(seen[i].frames).toBeGreaterThan(seen[i - 1].frames);
      }
      expect(seen.at(-1)).toEqual({
        bytesRead: bytes.length,
        totalBytes: bytes.length,
        frames: whole.dataset.nFrames,
      });
      expect(r.warnings).toEqual(whole.warnings);
      const d = r.dataset,
        w = whole.dataset;
      expect([d.name, d.theory, d.nAtoms, d.nFrames, d.md5]).toEqual([
        w.name,
        w.theory,
        w.nAtoms,
        w.nFrames,
        w.md5,
      ]);
      expect(d.meta).toEqual(w.meta);
      expect(Array.from(d.z)).toEqual(Array.from(w.z));
      expect(d.R).toEqual(w.R);
      expect(d.E).toEqual(w.E);
      expect(d.F).toEqual(w.F);
      expect(Object.keys(d.frameProps ?? {})).toEqual(Object.keys(w.frameProps ?? {}));
      for (const k of Object.keys(w.frameProps ?? {})) expect(d.frameProps![k]).toEqual(w.frameProps![k]);
    });

  it('a plain XYZ in many chunks equals the whole read', () => {
    const bytes = enc(water(2000, true));
    const opts = { energyUnit: 'kcal/mol', lengthUnit: 'Ang' };
    const seen: ReadProgress[] = [];
    const r = readDatasetWithProgress('w.xyz', bytes, opts, (p) => seen.push(p), 8 * 1024);
    const w = readDatasetFile('w.xyz', bytes, opts);
    expect(seen.length).toBeGreaterThan(10);
    expect(r.dataset.R).toEqual(w.dataset.R);
    expect(r.dataset.E).toEqual(w.dataset.E);
    expect(r.dataset.md5).toBe(w.dataset.md5);
    expect(r.warnings).toEqual(w.warnings);
  });

  it('an error late in the file has the line number of the whole file', () => {
    const text = water(2000) + '3\n-1\nO 0 0 x 0 0 0\nH 0 0 1 0 0 0\nH 0 1 0 0 0 0\n';
    const bytes = enc(text);
    let whole = '';
    try {
      readDatasetFile('w.xyz', bytes);
    } catch (e) {
      whole = (e as Error).message;
    }
    expect(whole).toMatch(/line 10003/);
    expect(() => readDatasetWithProgress('w.xyz', bytes, {}, undefined, 8 * 1024)).toThrow(whole);
  });

  it('small files and npz are read in one piece (one report)', () => {
    const seen: ReadProgress[] = [];
    readDatasetWithProgress('w.xyz', enc(water(5)), { energyUnit: 'kcal/mol' }, (p) => seen.push(p));
    expect(seen).toHaveLength(1);
    expect(seen[0].frames).toBe(5);
  });
});
