/**
 * Small SVG line chart with units on both axes and an optional second y axis (right), for the path-search
 * panel (no plotly: a handful of points). Points can be flagged (drawn as red rings).
 */
export interface ChartSeries {
  name: string;
  color: string;
  x: number[];
  y: number[];
  dashed?: boolean;
  /** Plot against the right axis. */
  right?: boolean;
  /** Indices to ring in red. */
  flags?: number[];
}

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const end = Math.ceil(hi / step - 1e-9) * step;
  for (let v = Math.floor(lo / step + 1e-9) * step; v <= end + 1e-9 * step; v += step)
    out.push(+v.toPrecision(10));
  return out;
}

const range = (v: number[]) => {
  const f = v.filter(Number.isFinite);
  if (!f.length) return [0, 1];
  const lo = Math.min(...f),
    hi = Math.max(...f);
  return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
};

export function LineChart(props: {
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  yRightLabel?: string;
  title: string;
  testId?: string;
  width?: number;
  height?: number;
}) {
  const W = props.width ?? 560,
    H = props.height ?? 300;
  const m = { l: 58, r: props.yRightLabel ? 56 : 16, t: 24, b: 42 };
  const pw = W - m.l - m.r,
    ph = H - m.t - m.b;
  const left = props.series.filter((s) => !s.right);
  const right = props.series.filter((s) => s.right);
  const [x0, x1] = range(props.series.flatMap((s) => s.x));
  const [y0, y1] = range(left.flatMap((s) => s.y));
  const [r0, r1] = range(right.flatMap((s) => s.y));
  const yt = ticks(y0 > 0 ? 0 : y0, y1);
  const rt = ticks(Math.min(0, r0), r1);
  const xt = ticks(x0, x1).filter((t) => t >= x0 && t <= x1);
  const Ylo = yt[0],
    Yhi = Math.max(yt[yt.length - 1], y1);
  const Rhi = Math.max(rt[rt.length - 1], r1);
  const X = (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * pw;
  const Y = (v: number) => m.t + ph - ((v - Ylo) / (Yhi - Ylo || 1)) * ph;
  const YR = (v: number) => m.t + ph - (v / (Rhi || 1)) * ph;
  return (
    <figure className="beyond-chart" data-testid={props.testId}>
      <svg
        width="100%"
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="xMidYMid meet"
        style={{ maxWidth: W, height: 'auto' }}
        role="img"
        aria-label={props.title}
      >
        <rect x={m.l} y={m.t} width={pw} height={ph} fill="white" stroke="#555" />
        {yt.map((t) => (
          <g key={`y${t}`}>
            <line x1={m.l} x2={m.l + pw} y1={Y(t)} y2={Y(t)} stroke="#e6e6e6" />
            <text x={m.l - 4} y={Y(t) + 4} textAnchor="end" fontSize="11">
              {t}
            </text>
          </g>
        ))}
        {xt.map((t) => (
          <text key={`x${t}`} x={X(t)} y={m.t + ph + 14} textAnchor="middle" fontSize="11">
            {t}
          </text>
        ))}
        {right.length > 0 &&
          rt.map((t) => (
            <text key={`r${t}`} x={m.l + pw + 4} y={YR(t) + 4} fontSize="11" fill="#555">
              {t}
            </text>
          ))}
        {props.series.map((s) => {
          const Yf = s.right ? YR : Y;
          const pts = s.x.map((x, i) => `${X(x).toFixed(1)},${Yf(s.y[i]).toFixed(1)}`).join(' ');
          return (
            <g key={s.name}>
              <polyline
                points={pts}
                fill="none"
                stroke={s.color}
                strokeWidth={2}
                strokeDasharray={s.dashed ? '5 3' : undefined}
              />
              {s.x.map((x, i) => (
                <circle key={i} cx={X(x)} cy={Yf(s.y[i])} r={2.5} fill={s.color} />
              ))}
              {(s.flags ?? []).map((i) => (
                <circle
                  key={`f${i}`}
                  cx={X(s.x[i])}
                  cy={Yf(s.y[i])}
                  r={6}
                  fill="none"
                  stroke="#d00"
                  strokeWidth={2}
                />
              ))}
            </g>
          );
        })}
        <text x={m.l + pw / 2} y={H - 6} textAnchor="middle" fontSize="12">
          {props.xLabel}
        </text>
        <text transform={`translate(14,${m.t + ph / 2}) rotate(-90)`} textAnchor="middle" fontSize="12">
          {props.yLabel}
        </text>
        {props.yRightLabel && (
          <text
            transform={`translate(${W - 8},${m.t + ph / 2}) rotate(90)`}
            textAnchor="middle"
            fontSize="12"
          >
            {props.yRightLabel}
          </text>
        )}
        <text x={m.l + pw / 2} y={15} textAnchor="middle" fontSize="13" fontWeight="bold">
          {props.title}
        </text>
      </svg>
      <figcaption className="beyond-legend">
        {props.series.map((s) => (
          <span key={s.name}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
