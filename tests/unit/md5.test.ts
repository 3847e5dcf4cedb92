import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Md5, md5, md5Hex } from '../../src/util/md5.ts';

describe('md5', () => {
  it('matches the RFC 1321 test suite', () => {
    const vectors: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        '57edf4a22be3c955ac49da2e2107b67a',
      ],
      ['The quick brown fox jumps over the lazy dog', '9e107d9d372bb6826bd81d3542a419d6'],
    ];
    for (const [msg, hex] of vectors) expect(md5Hex(msg)).toBe(hex);
  });

  it('agrees with node:crypto on random data of every length around block boundaries, fed in pieces', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const len of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4097]) {
      const data = new Uint8Array(len);
      for (let i = 0; i < len; i++) data[i] = rnd();
      const ref = createHash('md5').update(data).digest('hex');
      expect(md5Hex(data)).toBe(ref);
      const h = new Md5();
      for (let off = 0; off < len; off += 7) h.update(data.subarray(off, off + 7));
      expect(h.hexDigest()).toBe(ref);
    }
  });

  it('hashes the bytes of typed-array views, including offset views', () => {
    const f = new Float64Array([1.5, -2.25, Math.PI, 0]);
    const ref = createHash('md5').update(new Uint8Array(f.buffer)).digest('hex');
    expect(md5Hex(f)).toBe(ref);
    const sub = f.subarray(1, 3);
    expect(md5Hex(sub)).toBe(
      createHash('md5')
        .update(new Uint8Array(f.buffer, 8, 16))
        .digest('hex'),
    );
    expect(md5(f)).toHaveLength(16);
  });

  it('refuses updates after digest', () => {
    const h = new Md5().update('x');
    h.digest();
    expect(() => h.update('y')).toThrow(/after digest/);
    // digest is idempotent
    expect(h.hexDigest()).toBe(md5Hex('x'));
  });
});
