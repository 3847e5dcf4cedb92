/**
 * State of the Evaluate tab's GAP cutoff scan (paper Fig. 6a): the form's scan switch and cutoff text,
 * and the per-cutoff results on screen. The run itself (progress, cancel) uses the tab's run state.
 */
import { create } from 'zustand';
import type { CutoffScanEntry } from '../../compute/evalTasks';

export interface ScanSource {
  /** Dataset name and app dataset id the scan ran on. */
  label: string;
  datasetId: string;
  /** The equivalent `pes experiment … --cutoff-scan` command. */
  command: string;
}

export interface ScanState {
  /** Run a cutoff scan instead of one experiment (GAP only). */
  enabled: boolean;
  /** "a:b:step" or a comma list, Å. */
  cutoffs: string;
  scan: CutoffScanEntry[] | null;
  source: ScanSource | null;
  setEnabled(enabled: boolean): void;
  setCutoffs(cutoffs: string): void;
  setScan(scan: CutoffScanEntry[] | null, source: ScanSource | null): void;
}

export const useScan = create<ScanState>()((set) => ({
  enabled: false,
  cutoffs: '3:8:1',
  scan: null,
  source: null,
  setEnabled: (enabled) => set({ enabled }),
  setCutoffs: (cutoffs) => set({ cutoffs }),
  setScan: (scan, source) => set({ scan, source }),
}));
