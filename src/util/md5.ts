/**
 * MD5 (RFC 1321), written from the specification. Incremental: feed bytes with `update`, finish with
 * `digest()` (16 raw bytes) or `hexDigest()`. Used for the sGDML dataset fingerprint, which needs raw
 * digests of each array's bytes. Pure TypeScript: runs in Node, the browser and workers.
 */

/** Per-round left-rotation amounts. */
const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

/** K[i] = floor(|sin(i + 1)| · 2^32), as the RFC defines it. */
const K = new Uint32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0;

export class Md5 {
  private readonly state = new Uint32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  private readonly block = new Uint8Array(64);
  private readonly words = new Uint32Array(16);
  private blockLen = 0;
  /** Total message length in bytes (a float64 counts exactly up to 2^53). */
  private length = 0;
  private finished = false;

  /** Feed more bytes. Accepts any typed-array view; its underlying bytes (platform little-endian) are hashed. */
  update(data: ArrayBufferView | ArrayBuffer | string): this {
    if (this.finished) throw new Error('Md5.update called after digest()');
    let bytes: Uint8Array;
    if (typeof data === 'string') bytes = new TextEncoder().encode(data);
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.length += bytes.length;
    let off = 0;
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, bytes.length);
      this.block.set(bytes.subarray(0, take), this.blockLen);
      this.blockLen += take;
      off = take;
      if (this.blockLen === 64) {
        this.compress(this.block, 0);
        this.blockLen = 0;
      }
    }
    while (off + 64 <= bytes.length) {
      this.compress(bytes, off);
      off += 64;
    }
    if (off < bytes.length) {
      this.block.set(bytes.subarray(off), 0);
      this.blockLen = bytes.length - off;
    }
    return this;
  }

  /** Finish and return the 16-byte digest. The hasher cannot be updated afterwards. */
  digest(): Uint8Array {
    if (!this.finished) {
      const bitLen = this.length * 8;
      const pad = new Uint8Array(this.blockLen < 56 ? 64 - this.blockLen : 128 - this.blockLen);
      pad[0] = 0x80;
      const lo = bitLen % 2 ** 32;
      const hi = Math.floor(bitLen / 2 ** 32);
      const n = pad.length;
      for (let i = 0; i < 4; i++) {
        pad[n - 8 + i] = (lo >>> (8 * i)) & 0xff;
        pad[n - 4 + i] = (hi >>> (8 * i)) & 0xff;
      }
      const savedLen = this.length;
      this.update(pad);
      this.length = savedLen;
      this.finished = true;
    }
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      const w = this.state[i];
      out[4 * i] = w & 0xff;
      out[4 * i + 1] = (w >>> 8) & 0xff;
      out[4 * i + 2] = (w >>> 16) & 0xff;
      out[4 * i + 3] = (w >>> 24) & 0xff;
    }
    return out;
  }

  /** Finish and return the digest as 32 lowercase hex characters. */
  hexDigest(): string {
    return toHex(this.digest());
  }

  private compress(buf: Uint8Array, off: number): void {
    const M = this.words;
    for (let i = 0; i < 16; i++) {
      const j = off + 4 * i;
      M[i] = (buf[j] | (buf[j + 1] << 8) | (buf[j + 2] << 16) | (buf[j + 3] << 24)) >>> 0;
    }
    let a = this.state[0];
    let b = this.state[1];
    let c = this.state[2];
    let d = this.state[3];
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + K[i] + M[g]) | 0;
      const s = S[i];
      const rotated = (sum << s) | (sum >>> (32 - s));
      a = d;
      d = c;
      c = b;
      b = (b + rotated) | 0;
    }
    this.state[0] = (this.state[0] + a) >>> 0;
    this.state[1] = (this.state[1] + b) >>> 0;
    this.state[2] = (this.state[2] + c) >>> 0;
    this.state[3] = (this.state[3] + d) >>> 0;
  }
}

/** One-shot MD5 of some bytes (or a UTF-8 string): the 16 raw digest bytes. */
export function md5(data: ArrayBufferView | ArrayBuffer | string): Uint8Array {
  return new Md5().update(data).digest();
}

/** One-shot MD5 as 32 lowercase hex characters. */
export function md5Hex(data: ArrayBufferView | ArrayBuffer | string): string {
  return toHex(md5(data));
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}
