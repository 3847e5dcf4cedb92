/**
 * `pes train --model schnet|bpnn` options and the model loader, for the Node CLI only (initialises
 * the tfjs wasm backend on import, so loaded models can predict synchronously).
 */
import type { Dataset } from '../../data/dataset';
import type { ForceField, SerializedModel } from '../types';
import { initNodeBackend } from '../../compute/tfjs-node';
import { deserializeSchNet, schnetTrainer, type SchNetParams } from '../schnet/index';
import { bpnnTrainer, deserializeBpnn, type BpnnParams } from '../bpnn/index';
import type { NNTrainParams } from './train';

await initNodeBackend('wasm');

export const NN_OPTION_HELP = `SchNet / BPNN (--model schnet | bpnn; validation frames drive early stopping):
  --epochs N             maximum epochs (default 1000)
  --max-seconds S        wall-clock budget (default none)
  --batch B              mini-batch size (default 10)
  --lr L                 Adam learning rate (default 1e-3)
  --rho R                energy weight in the loss (default 0.1)
  --patience P           early-stopping patience in epochs (default 30)
  --backend wasm|cpu     tfjs backend (default wasm)
  --pairs auto|dense|neighbour  per-batch neighbour lists, all pairs when all are in range (auto,
                         default), always all pairs, or always neighbour lists
  --features F --interactions T --gaussians K --cutoff RC   SchNet (64, 6, 25, 5 Å)
  --hidden 25,25 --cutoff RC                                BPNN (symmetry functions: default set)`;

type Args = { _: string[]; [k: string]: string | boolean | string[] };

function num(a: Args, k: string, err: (m: string) => Error): number | undefined {
  const v = a[k];
  if (typeof v !== 'string') return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw err(`--${k} needs a number, got '${v}'`);
  return x;
}

/** Drops undefined entries so they do not override defaults in `{ ...DEFAULTS, ...params }`. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export async function trainNNFromArgs(
  kind: 'schnet' | 'bpnn',
  ds: Dataset,
  trainIdx: Int32Array,
  validIdx: Int32Array,
  a: Args,
  ErrorClass: new (m: string) => Error,
): Promise<ForceField> {
  const err = (m: string) => new ErrorClass(m);
  const backend = typeof a.backend === 'string' ? a.backend : 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw err(`--backend must be wasm or cpu`);
  const info = await initNodeBackend(backend);
  const pairs = typeof a.pairs === 'string' ? a.pairs : 'auto';
  if (pairs !== 'dense' && pairs !== 'neighbour' && pairs !== 'auto')
    throw err(`--pairs must be auto, dense or neighbour`);
  const common: NNTrainParams = definedOnly({
    maxEpochs: num(a, 'epochs', err),
    maxSeconds: num(a, 'max-seconds', err),
    batchSize: num(a, 'batch', err),
    lr: num(a, 'lr', err),
    rho: num(a, 'rho', err),
    earlyStopPatience: num(a, 'patience', err),
  });
  const ac = new AbortController();
  const onInt = () => {
    process.stderr.write('\ninterrupted: stopping after this batch, keeping the best model so far…\n');
    ac.abort();
  };
  process.once('SIGINT', onInt);
  const opts = {
    validIdx,
    signal: ac.signal,
    keepBestOnAbort: true,
    seed: num(a, 'seed', err) ?? 1,
    onProgress: (p: { message?: string; metrics?: Record<string, number> }) => {
      const m = p.metrics ?? {};
      process.stderr.write(
        `epoch ${m.epoch}: train loss ${m.trainLoss?.toFixed(4)}, validation MAE E ${m.validMaeE?.toFixed(4)} kcal/mol, ` +
          `F ${m.validMaeF?.toFixed(4)} kcal/mol/Å, lr ${m.lr?.toExponential(2)}, ${m.seconds?.toFixed(0)} s\n`,
      );
    },
  };
  try {
    const cutoff = num(a, 'cutoff', err);
    const ff =
      kind === 'schnet'
        ? await schnetTrainer.train(
            ds,
            trainIdx,
            definedOnly({
              ...common,
              features: num(a, 'features', err),
              interactions: num(a, 'interactions', err),
              nGaussians: num(a, 'gaussians', err),
              cutoff,
              pairMode: pairs,
            }) as SchNetParams,
            opts,
          )
        : await bpnnTrainer.train(
            ds,
            trainIdx,
            definedOnly({
              ...common,
              cutoff,
              pairMode: pairs,
              hidden: typeof a.hidden === 'string' ? a.hidden.split(',').map(Number) : undefined,
            }) as BpnnParams,
            opts,
          );
    const r = ff.result;
    const best = r.history[r.bestEpoch - 1];
    console.log(
      `${kind}: ${r.epochs} epochs (${r.stoppedBy}) in ${r.seconds.toFixed(0)} s on ${info.backend}; best epoch ${r.bestEpoch}: ` +
        `validation MAE E ${best?.validMaeE.toFixed(4)} kcal/mol, F ${best?.validMaeF.toFixed(4)} kcal/mol/Å`,
    );
    return ff;
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** JSON model loader for SchNet and BPNN. */
export function loadNNModel(s: SerializedModel): ForceField {
  return s.kind === 'schnet' ? deserializeSchNet(s) : deserializeBpnn(s);
}
