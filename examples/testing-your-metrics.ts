// How to test your own instrumentation without a server: a memory transport records what a
// pusher sends, and you choose the result of each send.
// Run: npx tsx examples/testing-your-metrics.ts
import assert from 'node:assert/strict';
import { Counter, Registry, openMetricsHttp } from 'prometheus-push-client';
import { memoryTransport } from 'prometheus-push-client/testing';

const registry = new Registry();
const logins = new Counter({ name: 'logins', help: 'Logins', registry });
const transport = memoryTransport();
const pusher = openMetricsHttp({ url: 'http://unused.invalid/', registry, transport, selfMetrics: false });

await pusher.run(() => logins.inc(2));

assert.deepEqual(transport.texts(), ['# HELP logins_total Logins\n# TYPE logins_total counter\nlogins_total 2\n']);
console.log('pushed exactly what we expected');
