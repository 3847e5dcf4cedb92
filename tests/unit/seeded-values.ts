/**
 * Reproducible test inputs: a Park–Miller sequence mapped to values of mixed magnitudes (spanning
 * `decades` powers of ten around 1), so that a change in summation order shows in the rounding.
 */
export function mixedMagnitudeValues(n: number, seed: number, decades = 7): number[] {
  const lowestPower = -Math.floor(decades / 2);
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647 - 0.5) * 10 ** ((s % decades) + lowestPower);
  });
}
