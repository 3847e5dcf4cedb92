import { describe, expect, it } from 'vitest';
import { logAxisTicks, withLogTicks } from '../../src/ui/logTicks';

/** The ticks Plotly would show for an axis range [lo, hi]. */
const visible = (t: { tickvals: number[]; ticktext: string[] }, lo: number, hi: number) =>
  t.ticktext.filter((_, i) => t.tickvals[i] >= lo && t.tickvals[i] <= hi);

describe('log axis ticks', () => {
  it('labels a sub-decade energy axis with full numbers, not bare digits', () => {
    const t = logAxisTicks([3.9, 4.2, 19.5, 32])!;
    expect(visible(t, 3.5, 35)).toEqual(['4', '5', '7', '10', '15', '20', '30']);
  });

  it('uses 1-2-5 steps across two decades and powers of ten across many', () => {
    expect(visible(logAxisTicks([50, 1000])!, 50, 1000)).toEqual(['50', '100', '200', '500', '1000']);
    expect(visible(logAxisTicks([0.01, 500])!, 0.01, 500)).toEqual(['0.01', '0.1', '1', '10', '100']);
  });

  it('fine steps for a narrow range; nothing for no positive values', () => {
    expect(visible(logAxisTicks([1.1, 1.9])!, 1.1, 1.9)).toEqual(['1.2', '1.4', '1.6', '1.8']);
    expect(logAxisTicks([0, -1, NaN])).toBeNull();
  });

  it('sets ticks on log axes from traces and error bars, leaving linear axes and second axes alone', () => {
    const fig = withLogTicks({
      data: [
        { x: [100, 200], y: [10, 20], error_y: { array: [0, 990], visible: true } },
        { x: [100, 200], y: [1e6, 2e6], yaxis: 'y2' },
      ],
      layout: { xaxis: { type: 'linear' }, yaxis: { type: 'log' } },
    });
    const y = fig.layout.yaxis as unknown as { tickvals: number[]; tickmode: string };
    expect(y.tickmode).toBe('array');
    expect(Math.max(...y.tickvals)).toBeLessThan(1e6); // the y2 trace (to 2·10⁶) is not counted
    // the error bar to 1010 makes the axis span two decades: 1-2-5 steps (10…20 alone would get 15)
    expect(y.tickvals).toContain(500);
    expect(y.tickvals).not.toContain(15);
    expect(fig.layout.xaxis).toEqual({ type: 'linear' });
  });
});
