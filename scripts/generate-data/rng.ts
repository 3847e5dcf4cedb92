/**
 * Seeded random numbers for reproducible sampling: xoshiro128** seeded through splitmix32 from a
 * string key (so every task has its own stream), and standard normals by Box–Muller. The state is four
 * 32-bit words, stored with each MD chunk so a resumed run continues the same stream.
 */
export class Rng {
  s: Uint32Array;
  private spare: number | null = null;

  constructor(seed: string | number[] | Uint32Array) {
    if (typeof seed === 'string') {
      let h = 2166136261 >>> 0;
      for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
      const s = new Uint32Array(4);
      for (let i = 0; i < 4; i++) {
        h = (h + 0x9e3779b9) >>> 0;
        let z = h;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        s[i] = (z ^ (z >>> 16)) >>> 0;
      }
      if (s.every((x) => x === 0)) s[0] = 1;
      this.s = s;
    } else this.s = Uint32Array.from(seed);
  }

  /** uniform 32-bit integer */
  nextU32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return r;
  }

  /** uniform in (0, 1) */
  uniform(): number {
    return (this.nextU32() + 0.5) / 4294967296;
  }

  /** standard normal */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** state for resuming (the cached Box–Muller spare is dropped, so resume at an even draw count) */
  state(): number[] {
    this.spare = null;
    return Array.from(this.s);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
