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
const FRACTION_BYTES = FRACTIONS.map((fraction) => Buffer.from(fraction, 'latin1'));

/** The most bytes `writeDecimal` writes: `String()` of a finite double is at most 25 characters. */
export const MAX_DECIMAL_BYTES = 25;

const INT32_LIMIT = 2_147_483_648;

/**
 * Writes `formatDecimal(value)` (ASCII) into `target` at `offset`, which must have
 * MAX_DECIMAL_BYTES of room, and returns the offset after it. The same fast path, but the digits
 * go straight into the bytes: no string is allocated for a value that takes it.
 */
export function writeDecimal(target: Uint8Array, offset: number, value: number): number {
  const abs = value < 0 ? -value : value;
  let whole: number;
  let thousandths = 0;
  if (Number.isInteger(value)) {
    if (!(abs < INT32_LIMIT)) return writeAscii(target, offset, String(value));
    whole = abs;
  } else {
    if (!(abs < 1e9)) return writeAscii(target, offset, String(value));
    const k = Math.round(abs * 1000);
    if (k / 1000 !== abs) return writeAscii(target, offset, String(value));
    whole = Math.floor(k / 1000);
    thousandths = k - whole * 1000;
  }
  let at = offset;
  if (value < 0) target[at++] = 0x2d; // '-'
  at += digitCount(whole);
  const end = at;
  // `whole` < 2^31 here, so int32 arithmetic is exact.
  do {
    const tenth = (whole / 10) | 0;
    target[--at] = 0x30 + whole - tenth * 10;
    whole = tenth;
  } while (whole !== 0);
  if (thousandths === 0) return end;
  const fraction = FRACTION_BYTES[thousandths]!;
  for (let i = 0; i < fraction.length; i++) target[end + i] = fraction[i]!;
  return end + fraction.length;
}

function digitCount(n: number): number {
  let count = 1;
  for (let limit = 10; n >= limit && count < 10; limit *= 10) count++;
  return count;
}

function writeAscii(target: Uint8Array, offset: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
  return offset + text.length;
}
