import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURES, haveFixtures } from './sgdml-helpers';
import { loadSgdmlModel } from '../../src/models/sgdml/model';
import { readNpz } from '../../src/data/io/npz';
import { npyToFloat64 } from '../../src/data/io/npy';

describe.skipIf(!haveFixtures)('pes train / predict / test (sGDML)', () => {
  it('trains with --indices and a σ grid, writes both model formats, predicts and tests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pes-sgdml-'));
    const ds = FIXTURES + 'azobenzene-xtb-md.npz';
    const idx = join(dir, 'idx.txt');
    writeFileSync(idx, Array.from({ length: 12 }, (_, i) => 7 + 150 * i).join('\n'));
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const train = await import('../../scripts/cli/commands/train.ts');
      expect(
        await train.run([
          ds,
          '--model',
          'sgdml',
          '--indices',
          idx,
          '--n-valid',
          '30',
          '--sigma-grid',
          '20:40:10',
          '--out',
          join(dir, 'm.npz'),
        ]),
      ).toBe(0);
      expect(logs.some((l) => l.startsWith('σ = 20: validation force RMSE'))).toBe(true);
      const { model } = loadSgdmlModel(new Uint8Array(readFileSync(join(dir, 'm.npz'))));
      expect(Array.from(model.data.idxsTrain ?? [])).toEqual(
        Array.from({ length: 12 }, (_, i) => 7 + 150 * i),
      );
      expect(
        await train.run([
          ds,
          '--n-train',
          '10',
          '--sigma',
          '20',
          '--no-sym',
          '--descriptor',
          'inv+ang',
          '--seed',
          '3',
          '--out',
          join(dir, 'm.json'),
        ]),
      ).toBe(0);
      const ext = loadSgdmlModel(new Uint8Array(readFileSync(join(dir, 'm.json')))).model;
      expect(ext.nPerms).toBe(1);
      expect(ext.data.descriptor.kind).toBe('inv+ang');
      await expect(
        train.run([
          ds,
          '--n-train',
          '10',
          '--sigma',
          '20',
          '--descriptor',
          'inv+ang',
          '--out',
          join(dir, 'x.npz'),
        ]),
      ).rejects.toThrow(/JSON|json/);

      const predict = await import('../../scripts/cli/commands/predict.ts');
      expect(await predict.run([join(dir, 'm.npz'), ds, '--out', join(dir, 'p.npz')])).toBe(0);
      const p = readNpz(new Uint8Array(readFileSync(join(dir, 'p.npz')))).arrays;
      const direct = model.predict(npyToFloat64(p.R).subarray(0, 72 * 3), 3);
      expect(Array.from(npyToFloat64(p.E).subarray(0, 3))).toEqual(Array.from(direct.E));
      expect(await predict.run([join(dir, 'm.json'), ds, '--out', join(dir, 'p.extxyz')])).toBe(0);
      expect(readFileSync(join(dir, 'p.extxyz'), 'utf8')).toContain('SGDML_energy=');

      const test = await import('../../scripts/cli/commands/test.ts');
      logs.length = 0;
      expect(await test.run([join(dir, 'm.npz'), ds, '--n-test', '50', '--json'])).toBe(0);
      const res = JSON.parse(logs[logs.length - 1]);
      expect(res.frames).toBe(50);
      expect(res.forceRMSE).toBeGreaterThan(0);
      expect(res.forceRMSE).toBeLessThan(20); // force std of the dataset ≈ 23
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
  }, 300_000);
});
