// Summaries and number formatting for the report.

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Three significant digits, thousands separators above 1000 (e.g. 0.862, 18.2, 4,567). */
export function sig3(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** Rates as 1.23M / 456k. */
function rate(x) {
  if (x >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(3)}k`;
  return sig3(x);
}

export function formatValue({ median, min, max }, unit) {
  const f = unit.endsWith('/s') ? rate : sig3;
  return `${f(median)} (${f(min)}–${f(max)})`;
}

export function formatRatio(x) {
  return `${sig3(x)}×`;
}
