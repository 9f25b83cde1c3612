// Shared fixtures: the label sets, the buckets and the registries both sides are filled with, so
// that ours and the peer always expose/encode the same series with the same values.
import promClient from 'prom-client';
import { rng } from './timing.js';

/** prom-client's default buckets, used explicitly on both sides so the bucket scan is the same work. */
export const PROM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const LABELS3 = ['method', 'path', 'status'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = ['200', '404', '500'];

/**
 * The i-th of a set of distinct 3-label sets, built the way request-handling code builds them:
 * a fresh object, two interned constants and one string made at run time (so the library, not
 * the fixture, is what keeps it alive). (method, path) is unique for every i.
 */
export function labels3(i) {
  return { method: METHODS[i & 3], path: '/api/v1/items/' + (i >> 2), status: STATUSES[i % 3] };
}

/** Counter increments: small integers, as counted events are. */
export function counterValue(i) {
  return (i % 1000) + 1;
}

/** Gauge values: floats with a realistic number of digits (e.g. a queue age in seconds). */
export function gaugeValues(n) {
  const next = rng(7);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(next() * 1e6) / 1e3;
  return out;
}

/** Total bytes of an encoder result (Uint8Array[]), a Buffer or a string. */
export function byteLength(x) {
  if (typeof x === 'string') return Buffer.byteLength(x);
  if (Array.isArray(x)) return x.reduce((s, p) => s + p.byteLength, 0);
  return x.byteLength;
}

/**
 * The same counter registry (3 labels, `n` series, the same values) for us and for prom-client:
 * what the exposition and push rows encode and send.
 */
export function counterRegistries(api, n) {
  const reg = new api.Registry();
  const c = new api.Counter({ name: 'http_requests', help: 'Requests handled', labelNames: LABELS3, registry: reg });
  const preg = new promClient.Registry();
  const p = new promClient.Counter({
    name: 'http_requests_total',
    help: 'Requests handled',
    labelNames: LABELS3,
    registers: [preg],
  });
  for (let i = 0; i < n; i++) {
    c.labels(labels3(i)).inc(counterValue(i));
    p.labels(labels3(i)).inc(counterValue(i));
  }
  return { reg, preg };
}
