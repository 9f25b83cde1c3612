// The Pushgateway group URL: `<prefix>/metrics/job/<job>{/<label>/<value>}` (PROTOCOLS §2.4).
//
// Which values go in `@base64`. A plain path segment survives every hop only when it is made of
// RFC 3986 unreserved characters, `[A-Za-z0-9._~-]`, and is not `.` or `..` (path cleaning, Go's
// included, resolves those and the Pushgateway answers with a redirect). Everything else is
// written `<name>@base64/<RFC 4648 URL-safe base64, no padding>`, and the empty value as `=`:
//   - `/` cannot be percent-encoded: the Pushgateway reads `%2F` as a separator (pushgateway #97,
//     "odd number of components");
//   - an empty value would make `//`, which Go redirects (301/307) and the redirect turns a PUT
//     into a GET (pushgateway #344);
//   - a space or `+` is ambiguous across clients (client_python #1064 turned spaces into `+`);
//   - anything else (Unicode, `%`, `?`, `#`, `@`…) is safer in base64 than percent-encoded through
//     proxies that re-encode or decode.
// One rule for all values keeps the URL predictable: a value is either unchanged or base64.
import { Buffer } from 'node:buffer';

const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const DOTS_ONLY = /^\.+$/;

/** True when `value` cannot be written as a plain path segment (see the rule above). */
export function needsBase64(value: string): boolean {
  return !PLAIN_SEGMENT.test(value) || DOTS_ONLY.test(value);
}

/** `/<name>/<value>` or `/<name>@base64/<base64url>` (`=` for the empty value). */
export function groupingSegment(name: string, value: string): string {
  if (!needsBase64(value)) return `/${name}/${value}`;
  // base64url in Node is RFC 4648 §5 without padding; lone surrogates become U+FFFD in UTF-8.
  const encoded = value === '' ? '=' : Buffer.from(value, 'utf8').toString('base64url');
  return `/${name}@base64/${encoded}`;
}

/**
 * The path of a group: `prefix` (the base URL's path without its trailing `/`, '' at the root),
 * then `/metrics/job/<job>` and each grouping pair in the given order.
 */
export function groupPath(prefix: string, job: string, grouping: readonly (readonly [string, string])[]): string {
  let path = `${prefix}/metrics${groupingSegment('job', job)}`;
  for (const [name, value] of grouping) path += groupingSegment(name, value);
  return path;
}
