import * as Comlink from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, ComputeClient } from '../../src/compute/workerClient';
import type { BackendName, ComputeWorkerApi, ProgressCallback } from '../../src/compute/workerApi';

/**
 * An in-process stand-in for a Web Worker: a MessageChannel whose far end exposes a fake compute API
 * with comlink. `terminate` closes the channel, so nothing more arrives (as with a real worker).
 */
function fakeWorkerFactory() {
  const spawned: { preferred: BackendName | undefined; terminated: boolean; terminatedAt: number }[] = [];
  const spawn = () => {
    const { port1, port2 } = new MessageChannel();
    const record = { preferred: undefined as BackendName | undefined, terminated: false, terminatedAt: 0 };
    spawned.push(record);
    const api: Pick<ComputeWorkerApi, 'init' | 'selfTest' | 'longTask'> = {
      async init(preferred) {
        record.preferred = preferred;
        return {
          backend: preferred ?? 'wasm',
          adapter: 'fake',
          tried: [{ name: preferred ?? 'wasm', ok: true }],
          kernels: [],
        };
      },
      async selfTest() {
        return { backend: 'wasm', ok: true };
      },
      // Reports progress every 10 ms; after `terminate` it goes on for 200 ms (like messages already
      // in flight from a killed worker), so the client must drop them itself.
      async longTask(ms: number, onProgress?: ProgressCallback) {
        for (let t = 0; t < ms; t += 10) {
          if (record.terminated && Date.now() - record.terminatedAt > 200) throw new Error('terminated');
          await new Promise((r) => setTimeout(r, 10));
          await onProgress?.({ fraction: t / ms });
        }
        return { backend: 'wasm', chunks: ms / 10, elapsedMs: ms, gflops: 1, checksum: 0 };
      },
    };
    Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
    const worker = {
      postMessage: (m: unknown, t?: Transferable[]) => port1.postMessage(m, t as never),
      addEventListener: (type: string, l: EventListener) =>
        port1.addEventListener(type as 'message', l as never),
      removeEventListener: (type: string, l: EventListener) =>
        port1.removeEventListener(type as 'message', l as never),
      terminate: () => {
        record.terminated = true;
        record.terminatedAt = Date.now();
        port1.close();
        port2.close();
      },
    };
    port1.start();
    return worker as unknown as Worker;
  };
  return { spawn, spawned };
}

let client: ComputeClient | null = null;
afterEach(() => client?.dispose());

describe('WorkerHandle (compute client) with a fake worker', () => {
  it('initialises with the requested backend and forwards progress callbacks', async () => {
    const f = fakeWorkerFactory();
    client = new ComputeClient('cpu', f.spawn);
    expect((await client.info()).backend).toBe('cpu');
    const seen: number[] = [];
    const r = await client.longTask(50, (p) => seen.push(p.fraction));
    expect(r.chunks).toBe(5);
    expect(seen.length).toBe(5);
    expect(seen[0]).toBe(0);
  });

  it('cancel rejects the running call, terminates the worker and respawns on the backend it had', async () => {
    const f = fakeWorkerFactory();
    client = new ComputeClient(undefined, f.spawn); // automatic choice → the fake picks wasm
    await client.info();
    let progressed = 0;
    const running = client.longTask(1e9, () => void progressed++);
    const outcome = running.then(
      () => 'finished',
      (e: unknown) => e,
    );
    while (progressed < 3) await new Promise((r) => setTimeout(r, 5));
    const infos: string[] = [];
    client.onInit = (info) => infos.push(info!.backend);
    const after = await client.cancel();
    expect(await outcome).toBeInstanceOf(CancelledError);
    expect(f.spawned.length).toBe(2);
    expect(f.spawned[0].terminated).toBe(true);
    expect(f.spawned[1].preferred).toBe('wasm'); // re-initialised on the chosen backend, not re-probed
    expect(after.backend).toBe('wasm');
    expect(infos).toEqual(['wasm']);
    const stalled = progressed;
    await new Promise((r) => setTimeout(r, 40));
    expect(progressed).toBe(stalled); // the old worker sends nothing more
    const r = await client.longTask(20);
    expect(r.chunks).toBe(2);
  });

  it('dispose rejects calls in flight', async () => {
    const f = fakeWorkerFactory();
    client = new ComputeClient('wasm', f.spawn);
    await client.info();
    const running = client.longTask(1e9);
    await new Promise((r) => setTimeout(r, 20));
    client.dispose();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    await expect(client.longTask(10)).rejects.toThrow('disposed');
    client = null;
  });
});
