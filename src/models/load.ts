/**
 * Turns a serialised model (our JSON format, `{kind, version, payload}`) back into a ForceField, in
 * the browser or in Node. Each kind's code is imported lazily so a worker only pulls in what it uses.
 */
import type { ForceField, SerializedModel } from './types';

export async function deserializeModel(s: SerializedModel): Promise<ForceField> {
  if (!s || typeof s !== 'object' || typeof (s as { kind?: unknown }).kind !== 'string')
    throw new Error('not a model: expected a JSON object with "kind", "version" and "payload"');
  switch (s.kind) {
    case 'sgdml': {
      const { SgdmlModel } = await import('./sgdml/model');
      return SgdmlModel.deserialize(s);
    }
    case 'gap': {
      const { deserializeGap } = await import('./gap/gap');
      return deserializeGap(s);
    }
    case 'schnet':
    case 'bpnn': {
      // not nn-common/cli.ts: that module is Node-only (it sets up the wasm backend from node_modules)
      const { ensureTfjsBackend } = await import('../compute/tfjs-ready');
      await ensureTfjsBackend();
      if (s.kind === 'schnet') return (await import('./schnet/index')).deserializeSchNet(s);
      return (await import('./bpnn/index')).deserializeBpnn(s);
    }
    case 'mixture': {
      const { deserializeMixture } = await import('./mixture/model');
      return deserializeMixture(s, deserializeModel);
    }
    default:
      throw new Error(`model kind "${String(s.kind)}" is not supported by this build`);
  }
}
