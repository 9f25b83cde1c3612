// `String(value)` for finite sample values, faster for the common short decimals.
//
// V8's number-to-string runs the full shortest-round-trip algorithm for every non-integer
// (~100 ns), and it is the largest single cost of a line-protocol or StatsD line. Metric values
// are very often integers or have a few decimals (a queue age of 12.345 s, a price of 9.99); for
// those, the digits can be written directly. The result is IDENTICAL to `String(value)`: the fast
// path only runs when `value` is exactly the double nearest to `k / 1000` for an integer `k`, with
// |value| < 1e9; then the decimal `k / 1000` (trailing zeros dropped) parses back to `value`, and
// any other decimal with at most 3 fraction digits differs from it by at least 0.001, far more
// than the spacing of doubles below 1e9 (~1.2e-7), so it is also the shortest form `String()`
// would pick. Everything else goes to `String()`.

/** `String(value)` for a finite number, with a fast path for integers and ≤ 3 decimals. */
export function formatDecimal(value: number): string {
  if (Number.isInteger(value) || !(value < 1e9 && value > -1e9)) return String(value);
  const k = Math.round(value * 1000);
  if (k / 1000 !== value) return String(value);
  const abs = k < 0 ? -k : k;
  const whole = Math.floor(abs / 1000);
  // `abs - whole * 1000` is 1…999 (`value` is not an integer): its `.ddd`, trailing zeros dropped.
  const text = String(whole) + FRACTIONS[abs - whole * 1000]!;
  return k < 0 ? '-' + text : text;
}

/** `.1`, `.01`, `.001` … `.999` by thousandths: one table read instead of building the digits. */
const FRACTIONS = Array.from({ length: 1000 }, (_, i) => ('.' + String(1000 + i).slice(1)).replace(/0+$/, ''));
