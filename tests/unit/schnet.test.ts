/** SchNet: the network contract shared with BPNN (tests/unit/nn-contract.ts). */
import { deserializeSchNet, SchNetNet, schnetTrainer } from '../../src/models/schnet/index';
import { describeNNContract, nnToySetup } from './nn-contract';

const { ds, all, stats } = nnToySetup();
const small = { features: 16, nGaussians: 10, interactions: 2, cutoff: 5 };

describeNNContract({
  name: 'SchNet',
  ds,
  all,
  makeNet: (pairMode = 'dense', seed = 5) => new SchNetNet(ds.z, stats, { ...small, pairMode }, seed),
  params: small,
  trainer: schnetTrainer,
  deserialize: deserializeSchNet,
  probeWeights: [
    'embedding',
    'int0.filter1.W',
    'int0.filter2.W',
    'int0.in2f.W',
    'int1.f2out1.W',
    'out1.W',
    'out2.W',
  ],
  // Unlike BPNN (tanh), SchNet's force-loss parameter gradients are right even with tfjs's own
  // gradients: its θ-dependent nonlinearity is softplus, whose gradient is input-based, and exp only
  // acts on distances. The fix still matters for its ∂F/∂R (see tfjs-fixes.test.ts).
  needsTfjsFix: false,
});
