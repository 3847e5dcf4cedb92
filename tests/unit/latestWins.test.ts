import { describe, expect, it } from 'vitest';
import { STALE, latestWins } from '../../src/compute/workerClient';

/** A function whose calls stay pending until the test resolves them, recording the order of starts. */
function controllable() {
  const started: number[] = [];
  const pending = new Map<number, { resolve: (v: string) => void; reject: (e: unknown) => void }>();
  const fn = (n: number) =>
    new Promise<string>((resolve, reject) => {
      started.push(n);
      pending.set(n, { resolve, reject });
    });
  return { fn, started, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('latestWins', () => {
  it('runs one call at a time and, of the calls queued meanwhile, only the newest', async () => {
    const c = controllable();
    const f = latestWins(c.fn);
    const p1 = f(1);
    const p2 = f(2);
    const p3 = f(3);
    const p4 = f(4);
    expect(c.started).toEqual([1]);
    // superseded queued requests resolve to STALE at once, without running
    expect(await p2).toBe(STALE);
    expect(await p3).toBe(STALE);
    c.pending.get(1)!.resolve('one');
    expect(await p1).toBe('one');
    await tick();
    expect(c.started).toEqual([1, 4]);
    c.pending.get(4)!.resolve('four');
    expect(await p4).toBe('four');
    // idle again: the next call starts immediately
    const p5 = f(5);
    expect(c.started).toEqual([1, 4, 5]);
    c.pending.get(5)!.resolve('five');
    expect(await p5).toBe('five');
    expect(f.stats).toEqual({ calls: 5, runs: 3, stale: 2 });
  });

  it('passes errors to their caller and keeps serving later calls', async () => {
    const c = controllable();
    const f = latestWins(c.fn);
    const p1 = f(1);
    const p2 = f(2);
    c.pending.get(1)!.reject(new Error('boom'));
    await expect(p1).rejects.toThrow('boom');
    await tick();
    expect(c.started).toEqual([1, 2]);
    c.pending.get(2)!.resolve('two');
    expect(await p2).toBe('two');
  });

  it('treats a synchronous throw like a rejection', async () => {
    const f = latestWins((n: number) => {
      if (n < 0) throw new Error(`negative ${n}`);
      return Promise.resolve(n * 2);
    });
    await expect(f(-1)).rejects.toThrow('negative -1');
    expect(await f(3)).toBe(6);
  });
});
