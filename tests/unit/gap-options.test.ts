import { describe, expect, it } from 'vitest';
import { gapParamsFromOptions } from '../../src/models/gap/options.ts';
import { EV_KCAL, GAP_FAST, GAP_PAPER } from '../../src/models/gap/gap.ts';
import { getModelEntry } from '../../src/models/registry.ts';

describe('GAP options', () => {
  it("defaults are the paper's settings in kcal/mol units", () => {
    const p = gapParamsFromOptions({});
    expect(p).toEqual(GAP_PAPER);
    expect([p.cutoff, p.transitionWidth, p.nMax, p.lMax, p.atomSigma, p.zeta]).toEqual([
      5, 0.5, 12, 6, 0.3, 2,
    ]);
    expect(p.delta).toBeCloseTo(0.25 * 23.0605, 10);
    expect(p.sigmaE).toBeCloseTo(0.001 * 23.0605, 10);
    expect(p.sigmaF).toBeCloseTo(0.2 * 23.0605, 10);
    expect(gapParamsFromOptions({ preset: 'fast' })).toEqual(GAP_FAST);
    expect([GAP_FAST.nMax, GAP_FAST.lMax]).toEqual([8, 4]);
  });
  it('parses overrides, eV suffixes and isolated-atom energies; rejects nonsense', () => {
    const p = gapParamsFromOptions({
      preset: 'fast',
      cutoff: '4',
      'sigma-f': '0.02eV',
      'sigma-e': '0.05',
      'n-sparse': '300',
      e0: '1=-13.6eV,6=-1025',
    });
    expect(p.cutoff).toBe(4);
    expect(p.sigmaF).toBeCloseTo(0.02 * EV_KCAL, 12);
    expect(p.sigmaE).toBe(0.05);
    expect(p.nSparse).toBe(300);
    expect(p.e0).toEqual({ 1: -13.6 * EV_KCAL, 6: -1025 });
    expect(() => gapParamsFromOptions({ preset: 'slow' })).toThrow(/preset/);
    expect(() => gapParamsFromOptions({ 'n-sparse': '1.5' })).toThrow(/n-sparse/);
    expect(() => gapParamsFromOptions({ 'sigma-f': 'abc' })).toThrow(/sigma-f/);
    expect(() => gapParamsFromOptions({ 'sparse-method': 'fps' })).toThrow(/sparse-method/);
  });
  it('is registered for experiments', () => {
    const e = getModelEntry('gap');
    const p = e.parseOptions({ preset: 'fast', 'n-sparse': 100 }) as { nMax: number; nSparse: number };
    expect(p.nMax).toBe(8);
    expect(p.nSparse).toBe(100);
    expect(() => e.parseOptions({ bogus: 1 })).toThrow(/no option/);
  });
});
