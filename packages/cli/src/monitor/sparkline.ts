const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of values scaled from 0 to the largest; NaN (no sample) shows as a space. */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v));
  const max = Math.max(...finite, 0);
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      if (max <= 0) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))];
    })
    .join('');
}
