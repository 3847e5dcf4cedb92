import { describe, expect, it } from 'vitest';
import { flattenSelectStep, errorFlatteningSelection } from '../../src/data/flatten-select';
import type { ForceField } from '../../src/models/types';

describe('flattenSelectStep (error-flattening rule)', () => {
  // 4 clusters: errors 1 (30 frames), 1 (30), 3 (20), 2 (20) → mean of cluster errors 1.75, threshold 1.925
  const labels: number[] = [];
  const errors: number[] = [];
  const spec = [
    [30, 1],
    [30, 1],
    [20, 3],
    [20, 2],
  ];
  spec.forEach(([n, e], c) => {
    for (let i = 0; i < n; i++) {
      labels.push(c);
      errors.push(e + 0.001 * i); // distinct errors, highest last within each cluster
    }
  });
  const candidates = Int32Array.from(labels, (_, i) => 1000 + i);

  it('takes only clusters above 1.1 × mean, shared by error × population, highest errors first', () => {
    const step = flattenSelectStep(candidates, errors, labels, 4, 10);
    const stat = step.clusters;
    expect(step.meanError).toBeCloseTo((1.0145 + 1.0145 + 3.0095 + 2.0095) / 4, 2);
    expect(stat.map((s) => s.selected)).toEqual([false, false, true, true]);
    // weights 3·0.2 : 2·0.2 → 6 : 4
    expect(stat.map((s) => s.added)).toEqual([0, 0, 6, 4]);
    expect(step.add.length).toBe(10);
    // cluster 2 occupies candidates 60…79; its six highest errors are the last six
    const fromC2 = Array.from(step.add)
      .filter((m) => m >= 1060 && m < 1080)
      .sort();
    expect(fromC2).toEqual([1074, 1075, 1076, 1077, 1078, 1079]);
  });

  it('spills over to other clusters when the selected ones run out, and never repeats a frame', () => {
    const step = flattenSelectStep(candidates, errors, labels, 4, 50);
    expect(step.add.length).toBe(50);
    expect(new Set(step.add).size).toBe(50);
    expect(step.clusters[2].added + step.clusters[3].added).toBe(40);
  });

  it('with flat errors, no cluster is above the threshold and the additions follow population', () => {
    const flat = labels.map(() => 1);
    const step = flattenSelectStep(candidates, flat, labels, 4, 10);
    expect(step.clusters.every((s) => !s.selected)).toBe(true);
    expect(step.clusters.map((s) => s.added)).toEqual([3, 3, 2, 2]);
  });

  it('checks its input', () => {
    expect(() => flattenSelectStep(candidates, errors.slice(1), labels, 4, 1)).toThrow(/same length/);
    expect(() => flattenSelectStep(candidates, errors, labels, 4, -1)).toThrow(/non-negative/);
  });
});

describe('errorFlatteningSelection loop', () => {
  it('grows the set to the target in the given rounds and lowers the worst cluster of a toy error model', async () => {
    // toy: 3 clusters of 100 frames; a cluster's error is 1/(1 + training frames in it)
    const frameCluster = Int32Array.from({ length: 300 }, (_, i) => Math.floor(i / 100));
    const candidates = Int32Array.from({ length: 300 }, (_, i) => i);
    const initial = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 200]);
    let lastIdx: Int32Array = new Int32Array(0);
    const fake = { kind: 'sgdml' } as unknown as ForceField;
    const res = await errorFlatteningSelection({
      initial,
      target: 41,
      candidates,
      frameCluster,
      nClusters: 3,
      rounds: 3,
      train: async (idx) => {
        lastIdx = idx;
        return fake;
      },
      frameErrors: (_m, frames) => {
        const cnt = [0, 0, 0];
        for (const m of lastIdx) cnt[frameCluster[m]]++;
        return Float64Array.from(frames, (m) => 1 / (1 + cnt[frameCluster[m]]));
      },
    });
    expect(res.idx.length).toBe(41);
    expect(new Set(res.idx).size).toBe(41);
    expect(res.rounds.length).toBe(3);
    const cnt = [0, 0, 0];
    for (const m of res.idx) cnt[frameCluster[m]]++;
    // round 1: only cluster 2 (error 1/2) is above 1.1 × mean; round 2: cluster 1 (1/3); round 3: cluster 0
    expect(res.rounds.map((r) => r.clusters.map((c) => c.added))).toEqual([
      [0, 0, 10],
      [0, 10, 0],
      [10, 0, 0],
    ]);
    expect(cnt).toEqual([18, 12, 11]);
    expect(res.rounds[2].maxClusterError).toBeLessThan(res.rounds[0].maxClusterError);
  });
});
