// Number rendering for the Prometheus text formats. Three different jobs:
//  - sample values, which parsers read back as float64 (any round-trip form is fine);
//  - OpenMetrics values, where integers must not have a decimal point and floats need one;
//  - `le` and `quantile` label values, which are opaque strings to every store: VictoriaMetrics
//    keeps `le="1"` and `le="1.0"` as two different series, so they get ONE canonical rendering
//    (OpenMetrics "Canonical Numbers": Go's `%g` with `.0` appended) in both formats, forever.
import { formatDecimal } from './short-decimal.js';

/**
 * A Prometheus text 0.0.4 sample value: `NaN`, `+Inf`, `-Inf`, otherwise JavaScript's shortest
 * round-trip form. Go's `ParseFloat` reads every form `String()` produces (`1e+21`, `1e-7`,
 * `0.30000000000000004`) back to the same float64; only `Infinity` needs respelling.
 */
export function formatPrometheusValue(value: number): string {
  // formatDecimal is String() (the same characters), with a fast path for short decimals.
  if (Number.isFinite(value)) return formatDecimal(value);
  return nonFinite(value);
}

/**
 * An OpenMetrics value of a float-typed field (gauge, counter total, `_sum`, quantile value,
 * `_created`). The spec says floats are written with a decimal point or an exponent, so an
 * integral value gets `.0` (`17` → `17.0`, like client_golang and client_python); non-finite
 * values are `NaN`, `+Inf`, `-Inf`.
 */
export function formatOpenMetricsValue(value: number): string {
  if (Number.isFinite(value)) {
    // Below 1e21 an integral number prints as bare digits; above, String() already has `e+`.
    return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) + '.0' : formatDecimal(value);
  }
  return nonFinite(value);
}

/**
 * An OpenMetrics value of an integer-typed field (histogram bucket counts, `_count`, stateset and
 * info samples): no decimal point. A non-integral value cannot come from this library's metrics;
 * from a hand-built snapshot it is written as a float rather than silently rounded.
 */
export function formatOpenMetricsInteger(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : formatOpenMetricsValue(value);
}

/**
 * The canonical `le` label value of a histogram bucket bound, identical in Prometheus text and
 * OpenMetrics: `0.005`, `1.0`, `10.0`, `2.5`, `100000.0`, `1e+06`, `1e-05`, `+Inf`.
 * Same output as client_python's `floatToGoString` and client_golang's OpenMetrics writer.
 */
export function formatLe(bound: number): string {
  return formatCanonical(bound);
}

/** The canonical `quantile` label value of a summary quantile: `0.5`, `0.99`, `0.999`, `1.0`. */
export function formatQuantile(quantile: number): string {
  return formatCanonical(quantile);
}

// Go `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest round-trip digits, in exponent form when
// the decimal exponent is < -4 or >= 6 (Go fixes the switch at 6 for the shortest precision),
// with an exponent of at least two digits; then `.0` when there is neither `.` nor `e`.
function formatCanonical(value: number): string {
  if (value === 0) return '0.0'; // -0 too, as Go's writer does
  if (!Number.isFinite(value)) return nonFinite(value);
  const exponential = value.toExponential(); // shortest round-trip digits, e.g. "1.5e-7"
  const at = exponential.indexOf('e');
  const exponent = Number(exponential.slice(at + 1));
  if (exponent < -4 || exponent >= 6) {
    const magnitude = Math.abs(exponent);
    return `${exponential.slice(0, at)}e${exponent < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`;
  }
  // In this range String() is the plain decimal form with the same shortest digits as Go's %f.
  const plain = String(value);
  return plain.includes('.') ? plain : plain + '.0';
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

// The small non-negative integers most counts and many values are, rendered once with the line's
// `\n`: the text encoders append them as one cached piece instead of rendering a number and
// appending a newline (a 10k-series exposition's hottest two steps).
const SMALL = 1024;
const INTEGER_LINES = Array.from({ length: SMALL }, (_, i) => `${i}\n`);
const FLOAT_LINES = Array.from({ length: SMALL }, (_, i) => `${i}.0\n`);

/** `String(value) + '\n'` for an integer in [0, 1024) (−0 is `0`), else undefined. */
export function smallIntegerLine(value: number): string | undefined {
  return value >= 0 && value < SMALL && (value | 0) === value ? INTEGER_LINES[value] : undefined;
}

/** `formatOpenMetricsValue(value) + '\n'` for an integer in [0, 1024), else undefined. */
export function smallFloatLine(value: number): string | undefined {
  return value >= 0 && value < SMALL && (value | 0) === value ? FLOAT_LINES[value] : undefined;
}

const NEWLINE_BYTES = Buffer.from('\n');
const POINT_ZERO_NEWLINE_BYTES = Buffer.from('.0\n');

/** TextFormat.lineEnd of Prometheus text: a value is `formatDecimal(v)`, so only `\n` follows. */
export function decimalLineEnd(): Uint8Array {
  return NEWLINE_BYTES;
}

/** TextFormat.lineEnd of an OpenMetrics float: `.0\n` after an integral value (see formatOpenMetricsValue). */
export function floatLineEnd(value: number): Uint8Array {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? POINT_ZERO_NEWLINE_BYTES : NEWLINE_BYTES;
}
