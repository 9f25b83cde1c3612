// Sliced pushes (src/push/slicing.ts): the bytes are those of an unsliced push, slices are
// encoded one per event-loop turn (observed through setImmediate ordering, never timing), a
// 'body' is streamed to a transport that takes chunks, and hooks still see the whole snapshot.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Enum } from '../../src/metrics/enum.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Info } from '../../src/metrics/info.js';
import { Summary } from '../../src/metrics/summary.js';
import { Registry } from '../../src/registry.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import type { Encoder } from '../../src/encoding/encoder.js';
import { PushError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { periodicPusher } from '../../src/push/periodic-pusher.js';
import type { PeriodicPusherOptions } from '../../src/push/periodic-pusher.js';
import type { SliceFraming, SlicingOptions } from '../../src/push/slicing.js';
import type { SendOptions, SendResult, Transport } from '../../src/transport/transport.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport } from '../../src/testing/memory-transport.js';
import { guardProcess, seriesValue } from './push-helpers.js';

guardProcess();

/** A registry with every metric type, split families, an empty family and default labels. */
function everything(clock: FakeClock): Registry {
  const registry = new Registry({ clock });
  registry.setDefaultLabels({ host: 'h1' });
  const jobs = new Counter({ name: 'jobs', help: 'Jobs done', labelNames: ['queue', 'status'], registry, clock });
  for (const queue of ['mail', 'sms', 'push']) {
    for (const status of ['ok', 'failed']) jobs.labels({ queue, status }).inc(queue.length + status.length);
  }
  new Counter({ name: 'never_used', help: 'No series yet', labelNames: ['x'], registry, clock });
  new Gauge({ name: 'temperature', help: 'Temperature', unit: 'celsius', registry, clock }).set(-3.25);
  const latency = new Histogram({
    name: 'latency_seconds',
    help: 'Latency',
    labelNames: ['method'],
    buckets: [0.1, 1],
    registry,
    clock,
  });
  latency.labels({ method: 'GET' }).observe(0.05);
  latency.labels({ method: 'POST' }).observe(2);
  latency.labels({ method: 'PUT' }).observe(0.5);
  const sizes = new Summary({
    name: 'sizes',
    help: 'Sizes',
    labelNames: ['kind'],
    percentiles: [0.5],
    registry,
    clock,
  });
  sizes.labels({ kind: 'a' }).observe(3);
  sizes.labels({ kind: 'b' }).observe(4);
  new Info({ name: 'build', help: 'Build', registry, clock }).info({ version: '1.2.3' });
  const phase = new Enum({
    name: 'phase',
    help: 'Phase',
    states: ['init', 'run', 'done'],
    labelNames: ['w'],
    registry,
    clock,
  });
  phase.labels({ w: '1' }).state('run');
  phase.labels({ w: '2' }).state('done');
  const gauges = new Gauge({ name: 'queue_depth', help: 'Depth', labelNames: ['q'], registry, clock });
  for (let i = 0; i < 7; i++) gauges.labels({ q: `q${i}` }).set(i * 1.5);
  return registry;
}

/** Wraps an encoder (keeping its declarations) to record every snapshot it is given. */
function recording(inner: Encoder, log: string[] = []): { encoder: Encoder; slices: Snapshot[]; log: string[] } {
  const slices: Snapshot[] = [];
  const encoder: Encoder = Object.create(inner) as Encoder;
  Object.defineProperty(encoder, 'encode', {
    value: (snapshot: Snapshot) => {
      slices.push(snapshot);
      log.push('encode');
      return inner.encode(snapshot);
    },
  });
  return { encoder, slices, log };
}

function pusherFor(
  registry: Registry,
  clock: FakeClock,
  encoder: Encoder,
  transport: Transport,
  extra: Partial<PeriodicPusherOptions> = {},
): ReturnType<typeof periodicPusher> {
  return periodicPusher({ registry, encoder, transport, clock, selfMetrics: false, intervalMs: 1000, ...extra });
}

const concat = (payloads: readonly Uint8Array[]): string => Buffer.concat(payloads).toString('utf8');

/** A transport that takes a chunked body, recording its chunks and when the send began. */
function chunkTransport(log: string[] = []): Transport & {
  readonly chunkedBody: true;
  readonly bodies: Uint8Array[][];
  readonly plain: Uint8Array[];
  failure?: unknown;
} {
  const bodies: Uint8Array[][] = [];
  const plain: Uint8Array[] = [];
  const transport = {
    target: 'memory://chunks',
    chunkedBody: true as const,
    bodies,
    plain,
    failure: undefined as unknown,
    async send(payload: Uint8Array | AsyncIterable<Uint8Array>, _options?: SendOptions): Promise<SendResult> {
      log.push('send');
      if (payload instanceof Uint8Array) {
        plain.push(payload);
        return { ok: true };
      }
      const chunks: Uint8Array[] = [];
      bodies.push(chunks);
      try {
        for await (const chunk of payload) chunks.push(chunk);
      } catch (error) {
        transport.failure = error;
        return { ok: false, retryable: false, error: new PushError('ERR_NETWORK', 'body failed', { target: 'x' }) };
      }
      return { ok: true };
    },
    close: () => Promise.resolve(),
  };
  return transport;
}

describe('periodicPusher slicing: the same bytes as an unsliced push', () => {
  const formats: [string, () => Encoder][] = [
    ['Prometheus text', () => prometheusTextEncoder()],
    ['OpenMetrics', () => openMetricsEncoder()],
    ['Influx line', () => influxLineEncoder({ timestamp: true })],
  ];
  for (const [name, make] of formats) {
    it(`${name}: every slice size gives the unsliced body, in several slices`, async () => {
      const clock = new FakeClock();
      const registry = everything(clock);
      const whole = memoryTransport();
      const reference = pusherFor(registry, clock, make(), whole, { slicing: false });
      await reference.pushNow();
      const expected = whole.texts();
      assert.equal(expected.length, 1);
      await reference.stop();

      for (const maxSamplesPerSlice of [1, 2, 3, 5, 8, 13, 10_000]) {
        const sliced = memoryTransport();
        const { encoder, slices } = recording(make());
        const pusher = pusherFor(registry, clock, encoder, sliced, {
          slicing: { framing: 'body', maxSamplesPerSlice },
        });
        await pusher.pushNow();
        assert.deepEqual(sliced.texts(), expected, `maxSamplesPerSlice ${maxSamplesPerSlice}`);
        if (maxSamplesPerSlice < 20) assert.ok(slices.length > 3, `${slices.length} slices`);
        else assert.equal(slices.length, 1);
        // Every slice but the last says so; pieces after a family's first are `continued`.
        assert.deepEqual(
          slices.map((s) => s.last),
          slices.map((_, i) => (i === slices.length - 1 ? undefined : false)),
        );
        await pusher.stop();
      }
    });
  }

  it('streams the slices to a transport that takes a chunked body: one send, begun after the first slice', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const whole = memoryTransport();
    const reference = pusherFor(registry, clock, prometheusTextEncoder(), whole, { slicing: false });
    await reference.pushNow();
    await reference.stop();

    const log: string[] = [];
    const transport = chunkTransport(log);
    const { encoder, slices } = recording(prometheusTextEncoder(), log);
    const self = new Registry({ clock });
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'body', maxSamplesPerSlice: 4 },
      selfMetrics: self,
    });
    await pusher.pushNow();
    assert.equal(transport.bodies.length, 1);
    assert.equal(transport.plain.length, 0);
    assert.equal(concat(transport.bodies[0]!), whole.texts()[0]);
    assert.deepEqual(log.slice(0, 3), ['encode', 'send', 'encode']);
    assert.equal(log.filter((e) => e === 'send').length, 1);
    assert.equal(transport.bodies[0]!.length, slices.length);
    assert.equal(
      seriesValue(self, 'prometheus_push_client_bytes_pushed', { target: 'memory://chunks' }),
      Buffer.byteLength(whole.texts()[0]!),
    );
    await pusher.stop();
  });

  it('hands the payloads of every slice back to the encoder once the streamed body was sent', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const log: string[] = [];
    const transport = { ...chunkTransport(log), releasesPayload: true };
    const inner = prometheusTextEncoder();
    const produced: Uint8Array[] = [];
    const back: Uint8Array[] = [];
    const encoder: Encoder = {
      contentType: inner.contentType,
      sliceFraming: 'body',
      encode: (snapshot) => {
        log.push('encode');
        const payloads = inner.encode(snapshot);
        produced.push(...payloads);
        return payloads;
      },
      recycle: (payloads) => {
        // Only once the transport has read the whole body.
        log.push(`recycle after ${transport.bodies[0]?.length ?? 0} chunks sent`);
        back.push(...payloads);
      },
    };
    const pusher = pusherFor(registry, clock, encoder, transport, { slicing: { maxSamplesPerSlice: 4 } });
    await pusher.pushNow();
    assert.equal(transport.bodies.length, 1);
    assert.ok(produced.length > 3, `${produced.length} payloads`);
    assert.deepEqual(log.slice(0, 3), ['encode', 'send', 'encode']);
    assert.deepEqual(log.slice(-2), ['encode', `recycle after ${produced.length} chunks sent`]);
    assert.equal(log.filter((e) => e.startsWith('recycle')).length, 1);
    assert.equal(back.length, produced.length);
    assert.ok(back.every((payload, i) => payload === produced[i]));
    await pusher.stop();
  });

  it('a registry that fits in one slice is sent as plain bytes, without yielding', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const log: string[] = [];
    const transport = chunkTransport(log);
    const { encoder } = recording(prometheusTextEncoder(), log);
    const pusher = pusherFor(registry, clock, encoder, transport, { slicing: { framing: 'body' } });
    let turned = false;
    setImmediate(() => (turned = true));
    await pusher.pushNow();
    assert.equal(turned, false, 'the push completed within the current event-loop turn');
    assert.deepEqual(log, ['encode', 'send']);
    assert.equal(transport.plain.length, 1);
    await pusher.stop();
  });

  it('an encoder that declares its sliceFraming is sliced without the option; slicing: false turns it off', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    for (const [slicing, expectSlices] of [
      [{ maxSamplesPerSlice: 3 }, true],
      [false, false],
    ] as const) {
      const declared = Object.assign(Object.create(prometheusTextEncoder()) as Encoder, {
        sliceFraming: 'body' satisfies SliceFraming,
      });
      const { encoder, slices } = recording(declared);
      const pusher = pusherFor(registry, clock, encoder, memoryTransport(), { slicing });
      await pusher.pushNow();
      assert.equal(slices.length > 1, expectSlices);
      await pusher.stop();
    }
  });
});

describe('periodicPusher slicing: one slice per event-loop turn', () => {
  it('encodes the next slice only after the event loop turned (setImmediate callbacks ran in between)', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const log: string[] = [];
    const { encoder, slices } = recording(prometheusTextEncoder(), log);
    const pusher = pusherFor(registry, clock, encoder, memoryTransport(), {
      slicing: { framing: 'body', maxSamplesPerSlice: 6 },
    });
    let ticking = true;
    const tick = (): void => {
      log.push('turn');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await pusher.pushNow();
    ticking = false;
    assert.ok(slices.length >= 4, `${slices.length} slices`);
    const encodes = log.lastIndexOf('encode') + 1;
    const expected = slices.flatMap((_, i) => (i === 0 ? ['encode'] : ['turn', 'encode']));
    assert.deepEqual(log.slice(0, encodes), expected);
    await pusher.stop();
  });

  it("'messages': each slice is a plain snapshot whose payloads are sent before the next slice is encoded", async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const reference = memoryTransport();
    const unsliced = pusherFor(registry, clock, statsdEncoder({ maxPayloadBytes: 200 }), reference, {
      slicing: false,
    });
    await unsliced.pushNow();
    const lines = (texts: string[]): string[] => texts.flatMap((t) => t.split('\n').filter((l) => l !== '')).sort();
    const expected = lines(reference.texts());
    await unsliced.stop();

    const log: string[] = [];
    const { encoder, slices } = recording(statsdEncoder({ maxPayloadBytes: 200 }), log);
    const transport = memoryTransport({
      results: () => {
        log.push('send');
        return { ok: true };
      },
    });
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'messages', maxSamplesPerSlice: 5 },
    });
    await pusher.pushNow();
    assert.ok(slices.length > 3);
    for (const slice of slices) {
      assert.equal(slice.last, undefined);
      for (const family of slice.families) assert.equal(family.continued, undefined);
    }
    for (const payload of transport.payloads) assert.ok(payload.byteLength <= 200);
    // The same lines (datagram boundaries may differ), and sends interleaved with the slices.
    assert.deepEqual(lines(transport.texts()), expected);
    assert.equal(log[0], 'encode');
    assert.ok(log.indexOf('send') < log.lastIndexOf('encode'), 'sends begin before the last slice is encoded');
    await pusher.stop();
  });
});

describe('periodicPusher slicing: hooks, failures, stopping', () => {
  it('prepare() and committed() see the whole snapshot, collected in slices', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const calls: string[] = [];
    let seen: Snapshot | undefined;
    const { encoder, slices } = recording(prometheusTextEncoder());
    const transport = memoryTransport();
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'body', maxSamplesPerSlice: 4 },
      hooks: {
        prepare: (collected) => {
          seen = collected;
          return { ...collected, families: collected.families.filter((f) => f.name !== 'jobs') };
        },
        committed: (collected, prepared) => {
          calls.push(`committed ${collected === seen} ${prepared.families.length}`);
        },
      },
    });
    await pusher.pushNow();
    assert.deepEqual(seen, registry.collect());
    assert.deepEqual(calls, [`committed true ${registry.collect().families.length - 1}`]);
    assert.ok(slices.length > 1);
    assert.doesNotMatch(transport.texts()[0] ?? '', /jobs_total/);
    await pusher.stop();
  });

  it('an encoder that throws mid-push abandons the streamed body and fails the push with its error', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const transport = chunkTransport();
    const inner = prometheusTextEncoder();
    let calls = 0;
    const encoder: Encoder = {
      contentType: inner.contentType,
      encode(snapshot) {
        if (++calls === 3) throw new Error('encoder bug');
        return inner.encode(snapshot);
      },
    };
    const committed: string[] = [];
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'body', maxSamplesPerSlice: 4 },
      hooks: { committed: () => void committed.push('committed') },
    });
    await assert.rejects(pusher.pushNow(), /the encoder threw Error: encoder bug/);
    assert.equal(transport.bodies.length, 1);
    assert.match(String(transport.failure), /encoder bug/);
    assert.deepEqual(committed, []);
    await pusher.stop();
  });

  it('a body the transport refused stops the push without encoding the rest', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const refused = new PushError('ERR_NETWORK', 'connection refused', { target: 'memory://chunks' });
    const { encoder, slices } = recording(prometheusTextEncoder());
    const transport = {
      target: 'memory://chunks',
      chunkedBody: true as const,
      send: (): Promise<SendResult> => Promise.resolve({ ok: false, retryable: true, error: refused }),
      close: () => Promise.resolve(),
    };
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'body', maxSamplesPerSlice: 3 },
    });
    await assert.rejects(pusher.pushNow(), (error) => error === refused);
    assert.ok(slices.length <= 3, `${slices.length} slices encoded`);
    await pusher.stop();
  });

  it('stop(): the final push ends between slices when stopTimeoutMs runs out, and nothing is sent', async () => {
    const clock = new FakeClock();
    const registry = everything(clock);
    const errors: PushError[] = [];
    const transport = memoryTransport();
    const inner = prometheusTextEncoder();
    let calls = 0;
    const encoder: Encoder = {
      contentType: inner.contentType,
      encode(snapshot) {
        // The deadline passes while the second slice is being encoded.
        if (++calls === 2) void clock.advance(100);
        return inner.encode(snapshot);
      },
    };
    const pusher = pusherFor(registry, clock, encoder, transport, {
      slicing: { framing: 'body', maxSamplesPerSlice: 3 },
      stopTimeoutMs: 100,
      onError: (error) => errors.push(error),
    });
    pusher.start();
    await pusher.stop();
    assert.equal(calls, 2);
    assert.equal(transport.payloads.length, 0);
    assert.equal(transport.closed, true);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_TIMEOUT'],
    );
  });

  it('validates its options', () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock });
    const make = (slicing: unknown) => () =>
      pusherFor(registry, clock, prometheusTextEncoder(), memoryTransport(), {
        slicing: slicing as SlicingOptions,
      });
    assert.throws(make('yes'), /slicing must be an object or false/);
    assert.throws(make({ framing: 'chunks' }), /slicing.framing must be 'body' or 'messages'/);
    assert.throws(make({ framing: 'body', maxSamplesPerSlice: 0 }), /maxSamplesPerSlice must be a finite number > 0/);
    assert.throws(make({ framing: 'body', sliceTargetMs: -1 }), /sliceTargetMs must be a finite number > 0/);
  });
});
