import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dataWorkerMethods } from '../../src/compute/dataTasks.ts';
import type { TaskProgress } from '../../src/compute/workerApi.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { npyBytes } from '../../src/data/io/npy.ts';
import { readNpz, writeNpz, type NpzContents, type NpzReadProgress } from '../../src/data/io/npz.ts';
import { listZip } from '../../src/data/io/zip.ts';
import { readSgdmlNpzWithProgress } from '../../src/data/readNpzProgress.ts';

const GLY = 'public/data/glycine.npz';
const ETH = '/work/shared/fixtures/sgdml-npz-ethanol/ethanol.npz';
const glycine = new Uint8Array(readFileSync(GLY));

/** Real files: glycine (deflated), the same arrays stored (as np.savez writes), the sGDML ethanol fixture (stored). */
function files(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [
    ['glycine.npz (deflated)', glycine],
    ['glycine-stored.npz', writeNpz(readNpz(glycine).arrays, { compress: false })],
  ];
  if (existsSync(ETH)) out.push(['ethanol.npz (sGDML fixture)', new Uint8Array(readFileSync(ETH))]);
  return out;
}

function expectSameArrays(a: NpzContents, b: NpzContents) {
  expect(Object.keys(b.arrays)).toEqual(Object.keys(a.arrays));
  for (const k of Object.keys(a.arrays)) {
    expect(b.arrays[k].dtype, k).toBe(a.arrays[k].dtype);
    expect(b.arrays[k].shape, k).toEqual(a.arrays[k].shape);
    const d = a.arrays[k].data;
    if (typeof d === 'string' || Array.isArray(d)) expect(b.arrays[k].data, k).toEqual(d);
    else expect(Buffer.from(npyBytes(b.arrays[k])).equals(Buffer.from(npyBytes(a.arrays[k]))), k).toBe(true);
  }
  expect(b.warnings).toEqual(a.warnings);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('reading an .npz in chunks with progress', () => {
  for (const [label, bytes] of files()) {
    it(`${label}: the same arrays as the one-shot read; progress rises to 1`, () => {
      const whole = readNpz(bytes);
      const reports: NpzReadProgress[] = [];
      const chunked = readNpz(bytes, { onProgress: (p) => reports.push(p), chunkBytes: 64 * 1024 });
      expectSameArrays(whole, chunked);
      const total = listZip(bytes).reduce((s, e) => s + e.size, 0);
      expect(reports[0].totalBytes).toBe(total); // the inflated sizes the directory declares
      for (let i = 1; i < reports.length; i++)
        expect(reports[i].fraction).toBeGreaterThanOrEqual(reports[i - 1].fraction);
      const last = reports[reports.length - 1];
      expect(last.fraction).toBe(1);
      expect(last.bytesDone).toBe(last.totalBytes);
      // reports inside a member (more than one per array) and one decode report per array
      const partial = reports.filter((p) => p.stage === 'inflate' && p.fraction > 0 && p.fraction < 0.9);
      expect(partial.length).toBeGreaterThan(5);
      expect(reports.filter((p) => p.stage === 'decode').map((p) => p.key)).toEqual(
        Object.keys(whole.arrays),
      );
    });

    it(`${label}: the dataset equals readDatasetFile's`, () => {
      const name = label.split(' ')[0];
      const a = readDatasetFile(name, bytes);
      const fr: number[] = [];
      const b = readSgdmlNpzWithProgress(name, bytes, {}, { onProgress: (p) => fr.push(p.fraction) });
      expect(fr.length).toBeGreaterThan(2);
      expect(b.warnings).toEqual(a.warnings);
      expect(b.dataset.md5).toBe(a.dataset.md5);
      expect(b.dataset.nFrames).toBe(a.dataset.nFrames);
      expect(Array.from(b.dataset.z)).toEqual(Array.from(a.dataset.z));
      for (const k of ['R', 'E', 'F'] as const)
        expect(Buffer.from(b.dataset[k]!.buffer).equals(Buffer.from(a.dataset[k]!.buffer)), k).toBe(true);
      expect(Object.keys(b.dataset.frameProps ?? {})).toEqual(Object.keys(a.dataset.frameProps ?? {}));
      expect(b.dataset.meta).toEqual(a.dataset.meta);
    });
  }

  it('an aborted read throws a cancellation error (mid-member and before the start)', () => {
    for (const [, bytes] of files()) {
      const ctl = new AbortController();
      const seen: number[] = [];
      const err = errorOf(() =>
        readNpz(bytes, {
          chunkBytes: 32 * 1024,
          signal: ctl.signal,
          onProgress: (p) => {
            seen.push(p.fraction);
            if (p.fraction > 0.3) ctl.abort();
          },
        }),
      );
      expect(err).toMatch(/^AbortError/);
      expect(Math.max(...seen)).toBeLessThan(1); // stopped before the end
      const pre = new AbortController();
      pre.abort();
      expect(errorOf(() => readSgdmlNpzWithProgress('x.npz', bytes, {}, { signal: pre.signal }))).toMatch(
        /^AbortError/,
      );
    }
  });

  it('a corrupt or truncated member gives the same error as the one-shot read', () => {
    const r = listZip(glycine).find((e) => e.name === 'R.npy')!;
    const dataAt =
      r.localHeaderOffset +
      30 +
      (glycine[r.localHeaderOffset + 26] | (glycine[r.localHeaderOffset + 27] << 8)) +
      (glycine[r.localHeaderOffset + 28] | (glycine[r.localHeaderOffset + 29] << 8));
    const cases: Uint8Array[] = [];
    for (const at of [0.1, 0.5, 0.9]) {
      const bad = glycine.slice();
      const p = dataAt + Math.floor(at * r.compressedSize);
      for (let k = 0; k < 64; k++) bad[p + k] ^= 0x5a;
      cases.push(bad);
    }
    // a deflate stream that starts with an invalid block type
    const badType = glycine.slice();
    badType.fill(0xff, dataAt, dataAt + 16);
    cases.push(badType);
    // a stored member whose bytes changed (CRC)
    const stored = writeNpz(readNpz(glycine).arrays, { compress: false });
    const s = stored.slice();
    s[Math.floor(s.length / 3)] ^= 0xff;
    cases.push(s);
    const messages = new Set<string>();
    for (const bad of cases) {
      const one = errorOf(() => readNpz(bad, { source: 'bad.npz' }));
      const chunked = errorOf(() =>
        readNpz(bad, { source: 'bad.npz', onProgress: () => {}, chunkBytes: 4096 }),
      );
      expect(one).not.toBe('no error');
      expect(chunked).toBe(one);
      messages.add(one.replace(/0x[0-9a-f]+/g, '').replace(/\d+ bytes/, ''));
    }
    // short stream, CRC mismatch (deflated and stored), invalid block type
    expect(messages.size).toBeGreaterThanOrEqual(3);
    expect([...messages].some((m) => /does not inflate \(invalid block type\)/.test(m))).toBe(true);
  });

  it('the data worker reports the inflated MB of an .npz, then the statistics, rising to 1', async () => {
    const reports: TaskProgress[] = [];
    const r = await dataWorkerMethods.parseFile('glycine.npz', glycine, {}, { maxFrames: 200 }, (p) =>
      reports.push(p),
    );
    expect(r.dataset.nFrames).toBe(10000);
    for (let i = 1; i < reports.length; i++)
      expect(reports[i].fraction).toBeGreaterThanOrEqual(reports[i - 1].fraction);
    expect(reports[reports.length - 1].fraction).toBeCloseTo(1, 9);
    const inflating = reports.filter((p) =>
      /^reading glycine\.npz: inflating R, [\d.]+ of [\d.]+ MB$/.test(p.message ?? ''),
    );
    expect(inflating.length).toBeGreaterThan(0);
    expect(inflating.every((p) => p.fraction > 0 && p.fraction < 0.45)).toBe(true);
    expect(reports.some((p) => p.message === 'reading glycine.npz: 10,000 frames read')).toBe(true);
  });
});
