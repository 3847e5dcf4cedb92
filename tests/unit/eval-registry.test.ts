import { describe, expect, it } from 'vitest';
import { getModelEntry, modelKinds, parseDeclaredOptions, registerModel } from '../../src/models/registry.ts';

describe('model registry', () => {
  it('maps sGDML CLI options onto its params and knows when it needs validation frames', () => {
    const e = getModelEntry('sgdml');
    expect(modelKinds()).toContain('sgdml');
    expect(e.bestRule).toBe('sgdml');
    const p = e.parseOptions({ sigma: '30', descriptor: 'inv+ang', gdml: true, 'memory-gb': '2' });
    expect(p).toEqual({ sigma: 30, descriptor: 'inv+ang', noSym: true, memoryBudgetBytes: 2 * 1024 ** 3 });
    expect(e.validSize(p)).toBe(0);
    const g = e.parseOptions({ 'sigma-grid': '10,20,30', valid: '150' });
    expect(g.sigmaGrid).toEqual([10, 20, 30]);
    expect(e.parseOptions({ 'sigma-start': '30' })).toEqual({ sigmaStart: 30 });
    expect(() => e.parseOptions({ 'sigma-start': '0' })).toThrow(/positive/);
    expect(e.validSize(g)).toBe(150);
    expect(e.validSize(e.parseOptions({}))).toBe(200);
    expect(() => e.parseOptions({ sigma: '30', 'sigma-grid': '10,20' })).toThrow(/either/);
    expect(() => e.parseOptions({ sigm: '30' })).toThrow(/no option --sigm/);
    expect(() => e.parseOptions({ descriptor: 'soap' })).toThrow(/not one of/);
    expect(() => e.parseOptions({ sigma: 'abc' })).toThrow(/not a number/);
  });

  it('creates the sGDML trainer lazily and reports unknown kinds readably', async () => {
    const t = await getModelEntry('sgdml').create();
    expect(t.kind).toBe('sgdml');
    expect(() => getModelEntry('nope')).toThrow(/available: .*sgdml/);
  });

  it('is extensible at run time', () => {
    registerModel({
      kind: 'bpnn',
      label: 'BPNN',
      options: [{ name: 'epochs', type: 'number', help: '' }],
      bestRule: 'energy',
      create: async () => ({
        kind: 'bpnn',
        train: async () => Promise.reject(new Error('not in this test')),
      }),
      parseOptions: (raw) =>
        parseDeclaredOptions([{ name: 'epochs', type: 'number', help: '' }], raw, 'bpnn'),
      validSize: () => 0,
    });
    expect(getModelEntry('bpnn').parseOptions({ epochs: '5' })).toEqual({ epochs: 5 });
  });
});
