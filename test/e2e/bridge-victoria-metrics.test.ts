// The prom-client bridge end to end: metrics recorded with real prom-client 15, pushed by our
// influxUdp preset (through `fromPromClient`) into a real VictoriaMetrics and read back exactly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry as PromRegistry,
} from 'prom-client';
import { fromPromClient } from '../../src/bridge/prom-client.js';
import type { PushError } from '../../src/errors.js';
import { influxUdp } from '../../src/presets/influx-udp.js';
import { Counter } from '../../src/metrics/counter.js';
import { Registry } from '../../src/registry.js';
import { sortSamples } from './harness/fixture.js';
import { requireServer } from './harness/require-server.js';
import { useVictoriaMetrics } from './harness/victoria-metrics.js';

const skip = requireServer('victoria-metrics');

describe('fromPromClient → influxUdp → VictoriaMetrics 1.79', { skip }, () => {
  const server = useVictoriaMetrics();

  it('pushes prom-client counters, gauges and histograms next to our own metrics', async () => {
    const vm = server();
    const theirs = new PromRegistry();
    theirs.setDefaultLabels({ app: 'legacy' });
    const requests = new PromCounter({
      name: 'bridge_requests_total',
      help: 'Requests',
      labelNames: ['code'],
      registers: [theirs],
    });
    const queue = new PromGauge({ name: 'bridge_queue_depth', help: 'Queue depth', registers: [theirs] });
    const latency = new PromHistogram({
      name: 'bridge_latency_seconds',
      help: 'Latency',
      buckets: [0.1, 1],
      registers: [theirs],
    });
    requests.labels({ code: '200' }).inc(5);
    queue.set(-3.5);
    latency.observe(0.25);
    latency.observe(2);

    const ours = new Registry();
    new Counter({ name: 'bridge_own_jobs', help: 'Jobs', registry: ours }).inc(2);

    const errors: PushError[] = [];
    const pusher = influxUdp({
      host: '127.0.0.1',
      port: vm.influxPort,
      registry: fromPromClient(theirs, { registry: ours }),
      selfMetrics: false,
      onError: (e) => errors.push(e),
    });
    await pusher.run(() => undefined);
    assert.deepEqual(errors, []);

    const series = await vm.exportWhenIngested('{__name__=~"bridge_.*"}', 8);
    const got = sortSamples(series.map((s) => ({ metric: s.metric, value: s.values.at(-1) ?? NaN })));
    assert.deepEqual(
      got,
      sortSamples([
        { metric: { __name__: 'bridge_own_jobs_total' }, value: 2 },
        { metric: { __name__: 'bridge_requests_total', code: '200', app: 'legacy' }, value: 5 },
        { metric: { __name__: 'bridge_queue_depth', app: 'legacy' }, value: -3.5 },
        { metric: { __name__: 'bridge_latency_seconds_bucket', le: '0.1', app: 'legacy' }, value: 0 },
        { metric: { __name__: 'bridge_latency_seconds_bucket', le: '1.0', app: 'legacy' }, value: 1 },
        { metric: { __name__: 'bridge_latency_seconds_bucket', le: '+Inf', app: 'legacy' }, value: 2 },
        { metric: { __name__: 'bridge_latency_seconds_sum', app: 'legacy' }, value: 2.25 },
        { metric: { __name__: 'bridge_latency_seconds_count', app: 'legacy' }, value: 2 },
      ]),
    );
  });
});
