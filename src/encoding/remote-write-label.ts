// One `TimeSeries.labels` field of a remote-write request, pre-encoded: the encoder builds these
// once per series (or per family, for `__name__` and `le`) and then only copies bytes.
//
//   TimeSeries.labels (field 1, length-delimited) → Label { name = 1; value = 2; }
import { WIRE_LENGTH_DELIMITED, tag, varintSize } from './protobuf-writer.js';

const LABELS_FIELD = tag(1, WIRE_LENGTH_DELIMITED); // TimeSeries.labels
const NAME_FIELD = tag(1, WIRE_LENGTH_DELIMITED); // Label.name
const VALUE_FIELD = tag(2, WIRE_LENGTH_DELIMITED); // Label.value

const EMPTY = new Uint8Array(0);

/** The parts joined (the single part itself, or a shared empty array for none). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) return EMPTY;
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * One complete `TimeSeries.labels` field (tag, length, Label message), or undefined for an empty
 * value, which the spec does not allow and which means "no such label" anyway.
 */
export function labelEntry(name: string, value: string): Uint8Array | undefined {
  if (value === '' || name === '') return undefined;
  const nameBytes = utf8Length(name);
  const valueBytes = utf8Length(value);
  const labelLength = 2 + varintSize(nameBytes) + nameBytes + varintSize(valueBytes) + valueBytes;
  const out = new Uint8Array(1 + varintSize(labelLength) + labelLength);
  out[0] = LABELS_FIELD;
  let p = putVarint(out, 1, labelLength);
  out[p++] = NAME_FIELD;
  p = putVarint(out, p, nameBytes);
  p = putString(out, p, name, nameBytes);
  out[p++] = VALUE_FIELD;
  p = putVarint(out, p, valueBytes);
  putString(out, p, value, valueBytes);
  return out;
}

/** UTF-8 length; label text is mostly ASCII, where it is the string length (no Buffer call). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

function putString(out: Uint8Array, p: number, s: string, bytes: number): number {
  if (bytes === s.length) for (let i = 0; i < bytes; i++) out[p + i] = s.charCodeAt(i);
  else textEncoder.encodeInto(s, out.subarray(p, p + bytes));
  return p + bytes;
}

/** Lengths here are far below 2^31, so 32-bit shifts are safe. */
function putVarint(out: Uint8Array, p: number, n: number): number {
  while (n >= 0x80) {
    out[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[p++] = n;
  return p;
}

const textEncoder = new TextEncoder();

/**
 * The spec's label order. Label names are ASCII ([a-zA-Z_][a-zA-Z0-9_]*), where UTF-16 code-unit
 * order is byte order: `Zone` < `__name__` < `app`.
 */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
