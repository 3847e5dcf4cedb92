/** `pes info` and `pes convert` end to end through the CLI dispatcher. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../../../shared/fixtures');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('pes info / convert', () => {
  afterEach(() => vi.restoreAllMocks());

  it('pes info on the ethanol npz prints 9 atoms and 2000 frames', async () => {
    const c = capture();
    const rc = await main(['info', path.join(FIX, 'sgdml-npz-ethanol/ethanol.npz')]);
    expect(rc).toBe(0);
    expect(c.out()).toMatch(/atoms:\s+9 \(C2H6O\)/);
    expect(c.out()).toMatch(/frames:\s+2000/);
    expect(c.out()).toMatch(/energy:\s+min -97208\.4060 {2}max -97180\.4569/);
    expect(c.out()).toMatch(/md5 arrays:\s+cd5591319f33b44b23ca08f404010086/);
  });

  it('pes info --json on the azobenzene reference reports matching md5s', async () => {
    const c = capture();
    expect(await main(['info', '--json', path.join(FIX, 'sgdml-reference/azobenzene-xtb-md.npz')])).toBe(0);
    const j = JSON.parse(c.out());
    expect(j).toMatchObject({
      atoms: 24,
      frames: 2400,
      formula: 'C12H10N2',
      md5Stored: '4990100f73766b5f066a030397b3f0a0',
    });
    expect(j.md5Computed).toBe(j.md5Stored);
  });

  it('pes convert xyz → npz → extxyz keeps the data, and errors are one line on stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pes-io-'));
    try {
      const c = capture();
      const npz = path.join(dir, 'acac.npz');
      const ext = path.join(dir, 'acac.extxyz');
      expect(await main(['convert', path.join(FIX, 'acac/train_300K.xyz'), npz])).toBe(0);
      expect(await main(['convert', npz, ext])).toBe(0);
      expect(readFileSync(ext, 'utf8').split('\n')[1]).toMatch(
        /REF_energy=-216572\.\d+ dihedral_angle=8\.02164373962562 e_unit=kcal\/mol/,
      );
      expect(await main(['info', ext])).toBe(0);
      expect(c.out()).toMatch(/atoms:\s+15 \(C5H8O2\)[\s\S]*frames:\s+500/);
      expect(await main(['info', path.join(dir, 'missing.npz')])).toBe(1);
      expect(c.err()).toMatch(/pes info: no such file: .*missing\.npz/);
      expect(await main(['convert', npz, path.join(dir, 'x.pdb')])).toBe(1);
      expect(c.err()).toMatch(/cannot tell the output format from 'x\.pdb'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
