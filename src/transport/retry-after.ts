// HTTP Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. A date is turned
// into a delay with the injected clock's wall time, so tests pin it without sleeping.

/**
 * Milliseconds to wait, or undefined when the header is absent or unparseable. Negative delays
 * (a date in the past) become 0. Fractional or signed seconds are not valid delay-seconds.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only accept things that look like dates: Date.parse also takes "1" or "2024" as years.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
