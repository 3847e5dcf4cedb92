/**
 * On-disk store of finished pieces of a generation run, so that a killed run resumes where it stopped.
 * A piece is `<key>.json` (metadata, written last: its presence marks the piece finished) plus optional
 * `<key>.f64` (raw little-endian float64 frames).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class Store {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }
  private path(key: string, ext: string): string {
    return join(this.root, `${key}.${ext}`);
  }
  has(key: string): boolean {
    return existsSync(this.path(key, 'json'));
  }
  getJson<T>(key: string): T {
    return JSON.parse(readFileSync(this.path(key, 'json'), 'utf8')) as T;
  }
  getF64(key: string): Float64Array {
    const b = readFileSync(this.path(key, 'f64'));
    return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  /** Write the binary part first, then the JSON atomically (rename), so a piece is all or nothing. */
  put(key: string, meta: unknown, data?: Float64Array): void {
    const j = this.path(key, 'json');
    mkdirSync(dirname(j), { recursive: true });
    if (data)
      writeFileSync(this.path(key, 'f64'), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    writeFileSync(j + '.tmp', JSON.stringify(meta));
    renameSync(j + '.tmp', j);
  }
}
