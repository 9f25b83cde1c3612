import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Registry } from '../../src/registry.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import { HttpStatusError, NetworkError } from '../../src/errors.js';
import type { PushError } from '../../src/errors.js';
import { streamingPusher } from '../../src/push/streaming-pusher.js';
import type { StreamingPusherOptions } from '../../src/push/streaming-pusher.js';
import type { SendResult } from '../../src/transport/transport.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport, sendFailed, sendOk } from '../../src/testing/memory-transport.js';
import type { MemoryTransportOptions } from '../../src/testing/memory-transport.js';
import { familyValues, guardProcess, seriesValue, turn } from './push-helpers.js';

guardProcess();

const TARGET = 'memory://test';

type Overrides = Partial<Omit<StreamingPusherOptions, 'mode' | 'encoder'>> & {
  mode?: 'statsd' | 'influx';
};

function setup(overrides: Overrides = {}, transportOptions: MemoryTransportOptions = {}) {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const transport = memoryTransport(transportOptions);
  const self = new Registry({ clock });
  const errors: PushError[] = [];
  const common = {
    registry,
    transport,
    clock,
    selfMetrics: self,
    onError: (error: PushError) => void errors.push(error),
    ...overrides,
  };
  const pusher =
    overrides.mode === 'influx'
      ? streamingPusher({ ...common, mode: 'influx', encoder: influxLineEncoder() })
      : streamingPusher({ ...common, mode: 'statsd', encoder: (c) => statsdEncoder({ onOversize: c.onOversize }) });
  return { clock, registry, transport, self, errors, pusher };
}

/** A responder whose sends stay pending until the test releases them, in order. */
function heldSends(): { responder: () => Promise<SendResult>; release(result?: SendResult): void; held(): number } {
  const waiting: ((r: SendResult) => void)[] = [];
  return {
    responder: () => new Promise<SendResult>((resolve) => waiting.push(resolve)),
    release: (result = sendOk) => waiting.shift()?.(result),
    held: () => waiting.length,
  };
}

describe('streamingPusher (statsd): coalescing per event-loop turn', () => {
  it('sums counter increments of one turn into one |c line', async () => {
    const { registry, transport, pusher } = setup();
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc();
    jobs.inc();
    jobs.inc();
    assert.equal(transport.payloads.length, 0, 'nothing is sent inside the update');
    await turn();
    assert.deepEqual(transport.texts(), ['jobs_total:3|c\n']);
    await pusher.stop();
  });

  it('keeps per-series sums apart, and the next turn starts afresh', async () => {
    const { registry, transport, pusher } = setup();
    const requests = new Counter({ name: 'requests', registry, labelNames: ['code'] as const });
    pusher.start();
    requests.labels({ code: '200' }).inc(2);
    requests.labels({ code: '500' }).inc();
    requests.labels({ code: '200' }).inc(0.5);
    await turn();
    requests.labels({ code: '500' }).inc();
    await turn();
    assert.deepEqual(transport.texts(), [
      'requests_total:2.5|c|#code:200\nrequests_total:1|c|#code:500\n',
      'requests_total:1|c|#code:500\n',
    ]);
    await pusher.stop();
  });

  it('sends a gauge once per turn, with its last value', async () => {
    const { registry, transport, pusher } = setup();
    const queue = new Gauge({ name: 'queue', registry });
    pusher.start();
    queue.set(1);
    queue.inc(4);
    queue.set(3);
    queue.dec();
    await turn();
    assert.deepEqual(transport.texts(), ['queue:2|g\n']);
    await pusher.stop();
  });

  it('sends every observation, in order', async () => {
    const { registry, transport, pusher } = setup();
    const latency = new Histogram({ name: 'latency', unit: 'seconds', registry, buckets: [1] });
    pusher.start();
    latency.observe(0.1);
    latency.observe(0.25);
    latency.observe(0.1);
    await turn();
    assert.deepEqual(transport.texts(), ['latency_seconds:100|ms\nlatency_seconds:250|ms\nlatency_seconds:100|ms\n']);
    await pusher.stop();
  });

  it('streams .time() and startTimer() observations', async () => {
    const { clock, registry, transport, pusher } = setup();
    // The histogram times with the fake clock, so the durations are exact.
    const latency = new Histogram({ name: 'latency', unit: 'seconds', registry, clock, buckets: [1] });
    pusher.start();
    const end = latency.startTimer();
    await clock.advance(250);
    end();
    await latency.time(async () => {
      await clock.advance(1500);
    });
    await turn();
    assert.deepEqual(transport.texts().join(''), 'latency_seconds:250|ms\nlatency_seconds:1500|ms\n');
    await pusher.stop();
  });

  it('packs a turn into payloads of at most maxPayloadBytes', async () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock });
    const transport = memoryTransport();
    const pusher = streamingPusher({
      registry,
      transport,
      clock,
      selfMetrics: false,
      mode: 'statsd',
      encoder: statsdEncoder({ maxPayloadBytes: 30 }),
    }).start();
    const latency = new Histogram({ name: 'lat', registry, buckets: [1] });
    for (let i = 1; i <= 5; i++) latency.observe(i / 1000);
    await turn();
    assert.deepEqual(transport.texts(), ['lat:1|ms\nlat:2|ms\nlat:3|ms\n', 'lat:4|ms\nlat:5|ms\n']);
    await pusher.stop();
  });
});

describe('streamingPusher (influx): current values of the changed series only', () => {
  it('sends one line per changed series with its current value, never the whole family', async () => {
    const { registry, transport, pusher } = setup({ mode: 'influx' });
    const requests = new Counter({ name: 'requests', registry, labelNames: ['code'] as const });
    requests.labels({ code: '200' }).inc(10);
    requests.labels({ code: '404' }).inc(1);
    pusher.start();
    requests.labels({ code: '200' }).inc();
    requests.labels({ code: '200' }).inc();
    await turn();
    assert.deepEqual(transport.texts(), [',code=200 requests_total=12\n']);
    await pusher.stop();
  });

  it('includes the registry default labels', async () => {
    const { registry, transport, pusher } = setup({ mode: 'influx' });
    registry.setDefaultLabels({ job: 'nightly' });
    const g = new Gauge({ name: 'g', registry });
    pusher.start();
    g.set(7);
    await turn();
    assert.deepEqual(transport.texts(), [',job=nightly g=7\n']);
    await pusher.stop();
  });
});

describe('streamingPusher: bounded buffer', () => {
  it('flushes a full buffer at once when the transport keeps up: a long synchronous loop loses nothing', async () => {
    const { registry, transport, pusher, self } = setup({ maxBufferedEvents: 4 });
    const latency = new Histogram({ name: 'lat', registry, buckets: [1] });
    pusher.start();
    for (let i = 1; i <= 10; i++) latency.observe(i / 1000);
    await turn();
    const lines = transport.texts().join('').split('\n').filter(Boolean);
    assert.equal(lines.length, 10);
    assert.deepEqual(transport.texts(), [
      'lat:1|ms\nlat:2|ms\nlat:3|ms\nlat:4|ms\n',
      'lat:5|ms\nlat:6|ms\nlat:7|ms\nlat:8|ms\n',
      'lat:9|ms\nlat:10|ms\n',
    ]);
    assert.equal(seriesValue(self, 'prometheus_push_client_dropped', { target: TARGET, reason: 'buffer_full' }), 0);
    await pusher.stop();
  });

  it('drops the OLDEST changes when sends are pending beyond maxPendingSends, and counts them', async () => {
    const sends = heldSends();
    const { registry, transport, pusher, self } = setup(
      { maxBufferedEvents: 3, maxPendingSends: 1 },
      { results: sends.responder },
    );
    const latency = new Histogram({ name: 'lat', registry, buckets: [1] });
    pusher.start();
    latency.observe(0.001);
    await turn(); // first datagram sent, and held: the socket "cannot keep up"
    assert.equal(sends.held(), 1);
    for (let i = 2; i <= 7; i++) latency.observe(i / 1000);
    await turn(); // still held: nothing flushed, the ring keeps the 3 newest
    assert.equal(transport.payloads.length, 1);
    sends.release();
    await turn();
    await turn();
    assert.deepEqual(transport.texts(), ['lat:1|ms\n', 'lat:5|ms\nlat:6|ms\nlat:7|ms\n']);
    sends.release();
    assert.equal(seriesValue(self, 'prometheus_push_client_dropped', { target: TARGET, reason: 'buffer_full' }), 3);
    await pusher.stop();
  });

  it('keeps coalescing while it waits, so counters lose nothing when the buffer does not overflow', async () => {
    const sends = heldSends();
    const { registry, transport, pusher } = setup({ maxPendingSends: 1 }, { results: sends.responder });
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc();
    await turn();
    for (let i = 0; i < 100; i++) {
      jobs.inc();
      if (i % 10 === 0) await turn();
    }
    sends.release();
    await turn();
    await turn();
    sends.release();
    assert.deepEqual(transport.texts(), ['jobs_total:1|c\n', 'jobs_total:100|c\n']);
    await pusher.stop();
  });
});

describe('streamingPusher: lifecycle', () => {
  it('stop(): flushes what is buffered, unsubscribes, closes; later updates are not sent', async () => {
    const { registry, transport, pusher } = setup();
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc(2);
    await pusher.stop();
    assert.deepEqual(transport.texts(), ['jobs_total:2|c\n']);
    assert.equal(transport.closed, true);
    jobs.inc();
    await turn();
    assert.equal(transport.payloads.length, 1);
  });

  it('pushNow(): flushes at once and rejects with the first failed datagram (not sent to onError)', async () => {
    const failure = new HttpStatusError(413, 'too big', { target: TARGET });
    const { registry, transport, pusher, errors } = setup({}, { results: [sendFailed(failure)] });
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc();
    await assert.rejects(pusher.pushNow(), (error) => error === failure);
    assert.deepEqual(transport.texts(), ['jobs_total:1|c\n']);
    assert.deepEqual(errors, []);
    await pusher.stop();
  });

  it('reports failed background datagrams to onError and counts them', async () => {
    const down = new NetworkError('ECONNREFUSED', { target: TARGET });
    const { registry, pusher, errors, self } = setup({}, { results: () => sendFailed(down, true) });
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc();
    await turn();
    await turn();
    assert.deepEqual(errors, [down]);
    assert.equal(seriesValue(self, 'prometheus_push_client_push_errors', { target: TARGET, code: 'ERR_NETWORK' }), 1);
    await pusher.stop();
  });

  it('run(): streams inside, pushes what is left at the exit, unsubscribes after', async () => {
    const { registry, transport, pusher } = setup();
    const jobs = new Counter({ name: 'jobs', registry });
    const boom = new Error('job failed');
    await assert.rejects(
      pusher.run(() => {
        jobs.inc();
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.deepEqual(transport.texts(), ['jobs_total:1|c\n']);
    assert.equal(pusher.running, false);
    jobs.inc();
    await turn();
    assert.equal(transport.payloads.length, 1);
  });

  it('stop() is bounded by stopTimeoutMs when datagrams never complete', async () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock });
    const errors: PushError[] = [];
    const pusher = streamingPusher({
      registry,
      clock,
      transport: { target: 'udp://stuck:8125', send: () => new Promise(() => {}), close: () => new Promise(() => {}) },
      mode: 'statsd',
      encoder: statsdEncoder(),
      stopTimeoutMs: 300,
      selfMetrics: false,
      onError: (e) => void errors.push(e),
    }).start();
    new Counter({ name: 'jobs', registry }).inc();
    const stopping = pusher.stop();
    await clock.advance(300);
    await stopping;
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_TIMEOUT'],
    );
  });

  it('self-metrics: flushes, bytes and durations; the streamed registry is never its own self-metrics registry', async () => {
    const { registry, pusher, self } = setup();
    const jobs = new Counter({ name: 'jobs', registry });
    pusher.start();
    jobs.inc();
    await turn();
    jobs.inc();
    await turn();
    await pusher.stop();
    assert.deepEqual(familyValues(self, 'prometheus_push_client_pushes'), [`{target=${TARGET}} 2`]);
    assert.deepEqual(familyValues(self, 'prometheus_push_client_bytes_pushed'), [`{target=${TARGET}} 30`]);
    assert.deepEqual(familyValues(self, 'prometheus_push_client_push_duration_seconds'), [`{target=${TARGET}} 2`]);

    // Streaming the self-metrics registry itself must not feed back into a flush loop.
    const transport = memoryTransport();
    const loop = streamingPusher({
      registry: self,
      transport,
      selfMetrics: self,
      mode: 'statsd',
      encoder: statsdEncoder(),
    }).start();
    await turn();
    await turn();
    assert.equal(transport.payloads.length, 0);
    await loop.stop();
  });

  it('rejects an unknown mode and an encoder without the needed method', () => {
    const transport = memoryTransport();
    assert.throws(
      () =>
        streamingPusher({ transport, mode: 'graphite', encoder: statsdEncoder() } as unknown as StreamingPusherOptions),
      { code: 'ERR_INVALID_ARG' },
    );
    assert.throws(() => streamingPusher({ transport, mode: 'statsd', encoder: influxLineEncoder() as never }), {
      code: 'ERR_INVALID_ARG',
    });
  });
});
