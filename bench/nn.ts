/**
 * Neural-network benchmarks (SchNet, BPNN), headless in Node on the wasm and cpu backends.
 *
 *   npx tsx bench/nn.ts epoch [--data FILE] [--n 1000] [--backends wasm,cpu] [--models schnet,bpnn]
 *        [--epochs 2] [--batch 10] [--pairs auto,dense,neighbour] [--frames first|random]
 *     Time per training epoch over n configurations, tensor count and memory after each epoch
 *     (must stay flat: no leak). Default data: the azobenzene xTB MD fixture (24 atoms). The n
 *     configurations are the file's first (default) or n drawn at random (seeded) across it, as the
 *     study's training sets are: their batches span more geometries, so more pairs (and triplets) of a
 *     batch's neighbour list are beyond the cutoff in some of its frames.
 *   npx tsx bench/nn.ts browser [--dist dist] [--backends webgl] [--models schnet,bpnn] [--n 1000]
 *        [--epochs 2] [--batch 10] [--dataset azobenzene-rotation]
 *     The same training in the app's compute worker in headless Chromium (production build in
 *     `dist`, e.g. `npx vite build`), through the Train tab's controller: time per epoch (100
 *     validation frames evaluated after each) and the worker's tensor count after each epoch.
 *   npx tsx bench/nn.ts accuracy --model schnet|bpnn [--data FILE] [--train 800] [--test 200]
 *        [--seconds 1800] [--batch 10] [--seed 0] [--out results.json]
 *     Trains on the first `train` frames of a stratified-free random split (seeded) and reports
 *     test MAE/RMSE in kcal/mol and meV. Default data: rMD17 ethanol (eV → kcal/mol on reading).
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../src/compute/tfjs-node';
import { readDatasetFile } from '../src/data/io/index';
import type { Dataset } from '../src/data/dataset';
import { Rng } from '../src/models/nn-common/rng';
import { energyStats, type AtomisticNet } from '../src/models/nn-common/net';
import {
  Adam,
  evaluateNet,
  trainStep,
  type NNTrainOptions,
  type NNTrainParams,
} from '../src/models/nn-common/train';
import type { TrainedNN } from '../src/models/nn-common/trainer';
import { SchNetNet, schnetTrainer } from '../src/models/schnet/index';
import { BpnnNet, bpnnTrainer } from '../src/models/bpnn/index';

const FIXTURES = '/work/shared/fixtures';
const KCAL_TO_MEV = 43.364;

function opt(args: string[], name: string, def: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}

function load(file: string): Dataset {
  return readDatasetFile(file, fs.readFileSync(file)).dataset;
}

function buildNet(
  model: string,
  ds: Dataset,
  idx: Int32Array,
  pairMode: 'dense' | 'neighbour' | 'auto',
): AtomisticNet {
  const stats = energyStats(ds.E!, idx, ds.nAtoms);
  if (model === 'schnet') return new SchNetNet(ds.z, stats, { pairMode }, 0);
  return new BpnnNet(ds.z, stats, { pairMode }, 0, ds, idx);
}

async function epochBench(args: string[]): Promise<void> {
  const file = opt(args, 'data', `${FIXTURES}/sgdml-reference/azobenzene-xtb-md.npz`);
  const n = Number(opt(args, 'n', '1000'));
  const epochs = Number(opt(args, 'epochs', '2'));
  const batch = Number(opt(args, 'batch', '10'));
  const ds = load(file);
  const count = Math.min(n, ds.nFrames);
  const pick = new Rng(7);
  const idx =
    opt(args, 'frames', 'first') === 'random'
      ? Int32Array.from({ length: count }, () => Math.floor(pick.uniform(0, ds.nFrames)))
      : Int32Array.from({ length: count }, (_, q) => q);
  const rows: Record<string, unknown>[] = [];
  for (const backend of opt(args, 'backends', 'wasm,cpu').split(',')) {
    await initNodeBackend(backend as 'wasm' | 'cpu');
    for (const model of opt(args, 'models', 'schnet,bpnn').split(','))
      for (const pairMode of opt(args, 'pairs', 'auto').split(',') as ('dense' | 'neighbour' | 'auto')[]) {
        const net = buildNet(model, ds, idx, pairMode);
        const adam = new Adam(
          net.weights.map((w) => w.v),
          1e-3,
        );
        const rng = new Rng(1);
        for (let e = 1; e <= epochs; e++) {
          const order = rng.shuffle(Int32Array.from(idx));
          const t0 = performance.now();
          for (let s = 0; s < order.length; s += batch)
            trainStep(net, adam, ds, order.subarray(s, Math.min(order.length, s + batch)), 0.1).dispose();
          const sec = (performance.now() - t0) / 1000;
          const mem = tf.memory();
          const row = {
            backend,
            model,
            pairMode,
            nAtoms: ds.nAtoms,
            configurations: idx.length,
            batch,
            epoch: e,
            epochSeconds: Math.round(sec * 10) / 10,
            numTensors: mem.numTensors,
            numBytes: mem.numBytes,
            rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        }
        adam.dispose();
        net.dispose();
        const mine = rows.filter(
          (r) => r.backend === backend && r.model === model && r.pairMode === pairMode,
        );
        const tensors = mine.map((r) => r.numTensors as number);
        console.log(
          `${model} on ${backend} (${pairMode} pairs): ${idx.length} configurations of ${ds.nAtoms} atoms, batch ${batch}: ` +
            `epoch ${mine.map((r) => `${r.epochSeconds} s`).join(', ')}; tensors after each epoch ${tensors.join(', ')} ` +
            `(${tensors.every((t) => t === tensors[0]) ? 'stable' : 'CHANGING'}); rss ${mine.map((r) => r.rssMB).join(', ')} MB`,
        );
      }
  }
  const out = opt(args, 'out', '');
  if (out) fs.writeFileSync(out, JSON.stringify(rows, null, 2));
}

interface BrowserEpoch {
  epoch: number;
  seconds: number;
  numTensors: number;
  trainLoss: number;
}

/** Epoch timing of SchNet/BPNN training in the app's compute worker in headless Chromium. */
async function browserBench(args: string[]): Promise<void> {
  const dist = opt(args, 'dist', 'dist');
  if (!fs.existsSync(`${dist}/index.html`))
    throw new Error(`no production build in ${dist}/ (run npx vite build)`);
  const n = Number(opt(args, 'n', '1000'));
  const epochs = Number(opt(args, 'epochs', '2'));
  const batch = Number(opt(args, 'batch', '10'));
  const datasetId = opt(args, 'dataset', 'azobenzene-rotation');
  const limitS = Number(opt(args, 'max-seconds', '1200'));
  const browserMod = '../tests/e2e/browser.mjs';
  const serverMod = '../tests/e2e/server.mjs';
  const { launchChromium } = (await import(browserMod)) as {
    launchChromium: () => Promise<{
      newPage(): Promise<BrowserPage>;
      close(): Promise<void>;
      version(): string;
    }>;
  };
  interface BrowserPage {
    goto(url: string): Promise<unknown>;
    waitForFunction(fn: string, arg?: unknown, opts?: { timeout: number }): Promise<unknown>;
    evaluate<R>(fn: string): Promise<R>;
    close(): Promise<void>;
  }
  const { serveStatic } = (await import(serverMod)) as {
    serveStatic: (dir: string) => Promise<{ url: string; close(): Promise<void> }>;
  };
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  const rows: Record<string, unknown>[] = [];
  try {
    for (const backend of opt(args, 'backends', 'webgl').split(','))
      for (const model of opt(args, 'models', 'schnet,bpnn').split(',')) {
        const page = await browser.newPage();
        await page.goto(`${server.url}?backend=${backend}#train`);
        await page.waitForFunction(
          `document.querySelector('[data-testid="backend-badge"].badge-ready') && window.__pesTrain`,
          undefined,
          { timeout: 120_000 },
        );
        const info = await page.evaluate<{ backend: string; adapter: string }>(
          `(() => { const b = document.querySelector('[data-testid="backend-badge"]'); return { backend: b.getAttribute('data-backend'), adapter: (b.querySelector('.badge-adapter')?.textContent ?? '').trim() }; })()`,
        );
        const req = {
          kind: model,
          params: { epochs, batch, patience: 1000 },
          dataset: { kind: 'url', id: datasetId, url: new URL(`data/${datasetId}.npz`, server.url).href },
          nTrain: n,
          nValid: 100,
          nTest: 10,
          seed: 1,
        };
        await page.evaluate(`void window.__pesTrain.startTraining(${JSON.stringify(req)}, 'bench')`);
        const t0 = Date.now();
        let got: BrowserEpoch[] = [];
        let status = 'running';
        while (Date.now() - t0 < limitS * 1000) {
          await new Promise((r) => setTimeout(r, 2000));
          const st = await page.evaluate<{ status: string; epochs: BrowserEpoch[]; error: string | null }>(
            `(() => { const s = window.__pesTrain.useTraining.getState(); return { status: s.status, epochs: s.epochs, error: s.error }; })()`,
          );
          got = st.epochs;
          status = st.status;
          if (st.status === 'error') throw new Error(`${model} on ${backend}: ${st.error}`);
          if (st.status === 'done') break;
        }
        got.forEach((e, k) => {
          const row = {
            runtime: `Chromium ${browser.version()} (headless)`,
            backend: info.backend,
            adapter: info.adapter,
            model,
            configurations: n,
            validation: 100,
            batch,
            epoch: e.epoch,
            epochSeconds: Math.round((e.seconds - (k > 0 ? got[k - 1].seconds : 0)) * 10) / 10,
            numTensors: e.numTensors,
            trainLoss: e.trainLoss,
          };
          rows.push(row);
          console.log(JSON.stringify(row));
        });
        console.log(
          `${model} on ${info.backend} in Chromium (${info.adapter}): ${n} configurations, batch ${batch}: epoch ` +
            `${rows
              .filter((r) => r.model === model && r.backend === info.backend)
              .map((r) => `${r.epochSeconds} s`)
              .join(
                ', ',
              )}${status === 'done' ? '' : ` (stopped after ${limitS} s: ${got.length}/${epochs} epochs)`}; ` +
            `tensors ${got.map((e) => e.numTensors).join(', ')}`,
        );
        await page.close();
      }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }
  const out = opt(args, 'out', '');
  if (out) fs.writeFileSync(out, JSON.stringify(rows, null, 2));
}

async function accuracy(args: string[]): Promise<void> {
  const model = opt(args, 'model', 'schnet');
  const file = opt(args, 'data', `${FIXTURES}/rmd17-ethanol/train.xyz`);
  const nTrain = Number(opt(args, 'train', '800'));
  const nTest = Number(opt(args, 'test', '200'));
  const seconds = Number(opt(args, 'seconds', '1800'));
  const seed = Number(opt(args, 'seed', '0'));
  const batch = Number(opt(args, 'batch', '10'));
  const backend = opt(args, 'backend', 'wasm') as 'wasm' | 'cpu';
  const info = await initNodeBackend(backend);
  const ds = load(file);
  const perm = new Rng(seed + 101).shuffle(Int32Array.from({ length: ds.nFrames }, (_, q) => q));
  const train = perm.slice(0, nTrain);
  const test = perm.slice(nTrain, nTrain + nTest);
  type TrainFn = (d: Dataset, i: Int32Array, p: NNTrainParams, o: NNTrainOptions) => Promise<TrainedNN>;
  const trainFn: TrainFn =
    model === 'schnet'
      ? (d, i, p, o) => schnetTrainer.train(d, i, p, o)
      : (d, i, p, o) => bpnnTrainer.train(d, i, p, o);
  const t0 = performance.now();
  const ff = await trainFn(
    ds,
    train,
    { batchSize: batch, maxEpochs: Number(opt(args, 'epochs', '100000')), maxSeconds: seconds },
    {
      seed,
      onProgress: (p) => {
        const m = p.metrics!;
        if ((m.epoch as number) % 5 === 1 || (m.epoch as number) < 5)
          console.log(
            `epoch ${m.epoch} lr ${(m.lr as number).toExponential(2)} train ${(m.trainLoss as number).toFixed(3)} ` +
              `valid ${(m.validLoss as number).toFixed(3)} MAE E ${(m.validMaeE as number).toFixed(3)} F ${(m.validMaeF as number).toFixed(3)} ` +
              `t ${(m.seconds as number).toFixed(0)} s tensors ${m.numTensors}`,
          );
      },
    },
  );
  const ev = evaluateNet(ff.net, ds, test);
  const res = {
    model,
    data: file,
    backend: info.backend,
    trainSize: ff.result.trainSize,
    validSize: ff.result.validSize,
    testSize: test.length,
    batch,
    epochs: ff.result.epochs,
    bestEpoch: ff.result.bestEpoch,
    stoppedBy: ff.result.stoppedBy,
    trainSeconds: Math.round((performance.now() - t0) / 1000),
    test: {
      maeE_kcal: ev.maeE,
      rmseE_kcal: ev.rmseE,
      maeF_kcal: ev.maeF,
      rmseF_kcal: ev.rmseF,
      maeE_meV: ev.maeE * KCAL_TO_MEV,
      maeF_meV_per_A: ev.maeF * KCAL_TO_MEV,
    },
    history: ff.result.history.map((h) => [
      h.epoch,
      h.lr,
      h.trainLoss,
      h.validLoss,
      h.validMaeE,
      h.validMaeF,
      h.seconds,
    ]),
  };
  console.log(JSON.stringify({ ...res, history: undefined }, null, 1));
  const out = opt(args, 'out', '');
  if (out) fs.writeFileSync(out, JSON.stringify(res, null, 1));
  const modelOut = opt(args, 'model-out', '');
  if (modelOut) fs.writeFileSync(modelOut, JSON.stringify(ff.serialize()));
}

export async function run(args: string[]): Promise<number> {
  // `npm run bench -- nn [options]` without a mode runs the epoch benchmark
  const [mode, ...rest] = args.length === 0 || args[0].startsWith('--') ? ['epoch', ...args] : args;
  if (mode === 'epoch') await epochBench(rest);
  else if (mode === 'browser') await browserBench(rest);
  else if (mode === 'accuracy') await accuracy(rest);
  else {
    console.error('usage: bench/nn.ts epoch|browser|accuracy [options] (see the file header)');
    return 2;
  }
  return 0;
}

if (process.argv[1] && process.argv[1].endsWith('nn.ts')) {
  run(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
