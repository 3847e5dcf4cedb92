export {
  GapModel,
  GapTrainer,
  trainGap,
  deserializeGap,
  GAP_PAPER,
  GAP_FAST,
  GAP_PRESETS,
  EV_KCAL,
} from './gap.ts';
export type { GapParams, GapModelData } from './gap.ts';
export { Soap } from './soap.ts';
export type { SoapParams } from './soap.ts';
