/** Packaging of the finished pieces into public/data (placeholder until written). */
export async function packageOutputs(o: {
  work: string;
  out: string;
  scale: number;
  seed: number;
  gamma: number;
  only?: string;
}): Promise<void> {
  console.log(`packaging not yet implemented (${o.work} -> ${o.out})`);
}
