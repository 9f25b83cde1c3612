// Remote write 1.0: the protobuf writer, the snappy compressor and the encoder. Everything the
// encoder produces is read back with the independent decoders of remote-write-decode.ts (whose
// snappy side is itself checked against vectors from the reference implementation), and two
// requests are compared byte for byte with hand-assembled protobuf.
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufWriter, varintSize } from '../../src/encoding/protobuf-writer.js';
import {
  DEFAULT_MAX_SERIES_PER_REQUEST,
  REMOTE_WRITE_CONTENT_TYPE,
  REMOTE_WRITE_HEADERS,
  remoteWriteEncoder,
} from '../../src/encoding/remote-write.js';
import { maxCompressedLength, snappyCompress } from '../../src/encoding/snappy.js';
import { PushError } from '../../src/errors.js';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import type { MetricFamily, Snapshot } from '../../src/model/snapshot.js';
import { Registry } from '../../src/registry.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { VERSION } from '../../src/version.js';
import { ALL_TYPES, NASTY, NASTY_VALUES, TIMESTAMP_MS, gauges, snapshot } from './encoding-fixtures.js';
import { decodePayloads, decodeWriteRequest, flatten, snappyDecode } from './remote-write-decode.js';
import type { FlatSample } from './remote-write-decode.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

function written(fill: (w: ProtobufWriter) => void): string {
  const w = new ProtobufWriter(1);
  fill(w);
  return hex(w.finish());
}

/** Label names of every series, in wire order. */
function labelNameLists(payloads: readonly Uint8Array[]): string[][] {
  return decodePayloads(payloads).map((s) => s.labels.map(([name]) => name));
}

function sample(labels: Record<string, string>, value: number, timestamp = TIMESTAMP_MS): FlatSample {
  return { labels, value, timestamp };
}

describe('ProtobufWriter', () => {
  it('writes varints as the protobuf spec examples', () => {
    assert.equal(
      written((w) => w.varint(0)),
      '00',
    );
    assert.equal(
      written((w) => w.varint(1)),
      '01',
    );
    assert.equal(
      written((w) => w.varint(127)),
      '7f',
    );
    assert.equal(
      written((w) => w.varint(128)),
      '8001',
    );
    assert.equal(
      written((w) => w.varint(150)),
      '9601',
    );
    assert.equal(
      written((w) => w.varint(300)),
      'ac02',
    );
    assert.equal(
      written((w) => w.varint(2 ** 31)),
      '8080808008',
    );
    assert.equal(
      written((w) => w.varint(2 ** 32)),
      '8080808010',
    );
    assert.equal(
      written((w) => w.varint(Number.MAX_SAFE_INTEGER)),
      'ffffffffffffff0f',
    );
  });

  it('writes a negative int64 as 10 bytes of two’s complement', () => {
    assert.equal(
      written((w) => w.varint(-1)),
      'ffffffffffffffffff01',
    );
    assert.equal(
      written((w) => w.varint(-2)),
      'feffffffffffffffff01',
    );
    // -2^32: low half 0, high half 0xffffffff.
    assert.equal(
      written((w) => w.varint(-(2 ** 32))),
      '80808080f0ffffffff01',
    );
  });

  it('knows each varint size', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 1_700_000_000_123, Number.MAX_SAFE_INTEGER, -1]) {
      assert.equal(varintSize(n), written((w) => w.varint(n)).length / 2, String(n));
    }
  });

  it('writes doubles little-endian and keeps NaN and infinities', () => {
    assert.equal(
      written((w) => w.double(1.5)),
      '000000000000f83f',
    );
    assert.equal(
      written((w) => w.double(-Infinity)),
      '000000000000f0ff',
    );
    assert.equal(
      written((w) => w.double(NaN)),
      '000000000000f87f',
    );
  });

  it('grows past its initial size and writes string and bytes fields', () => {
    const w = new ProtobufWriter(1);
    const long = 'x'.repeat(300);
    w.stringField(1, long);
    w.bytesField(2, new Uint8Array([1, 2]));
    assert.equal(hex(w.finish()), '0aac02' + hex(Buffer.from(long)) + '12020102');
    w.reset();
    assert.equal(w.length, 0);
  });
});

describe('snappy', () => {
  it('the test decoder reads the reference implementation’s output (literal, copy-1, copy-2, overlapping copies)', () => {
    // From the napi-rs `snappy` package (google/snappy's algorithm), compressSync.
    const text =
      'Wikipedia is a free, web-based, collaborative, multilingual encyclopedia project. ' +
      'Wikipedia is a free encyclopedia; Wikipedia!';
    const compressed =
      '7ef04357696b697065646961206973206120667265652c207765622d62617365642c20636f6c6c61626f7261746976652c206d756c74' +
      '696c696e6775616c20656e6379636c6f70053f2070726f6a6563742e204a5200322a002c3b2057696b69706564696121';
    assert.equal(Buffer.from(snappyDecode(Buffer.from(compressed, 'hex'))).toString(), text);
    const runs = 'a'.repeat(100) + 'xyz' + '0123456789'.repeat(300);
    const runsCompressed = '9f180061fe01008a01003078797a30313233343536373839' + 'fe0a00'.repeat(46) + 'b60a00';
    assert.equal(Buffer.from(snappyDecode(Buffer.from(runsCompressed, 'hex'))).toString(), runs);
    // A copy with a 4-byte offset (which a 64 KiB-block compressor never writes).
    assert.equal(Buffer.from(snappyDecode(Buffer.from('0c0c616263641f04000000', 'hex'))).toString(), 'abcdabcdabcd');
  });

  it('round-trips inputs of every shape', () => {
    const random = (n: number, seed: number): Uint8Array => {
      const out = new Uint8Array(n);
      let x = seed;
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        out[i] = x >>> 24;
      }
      return out;
    };
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['one byte', new Uint8Array([7])],
      ['14 bytes (below the input margin)', Buffer.from('abcdabcdabcdab')],
      ['16 repeated bytes', new Uint8Array(16).fill(9)],
      ['long run (copies split at 64)', new Uint8Array(70_000).fill(1)],
      ['text', Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(500))],
      ['random (incompressible)', random(200_000, 1)],
      // A repeat 3000 bytes back: copies with a 2-byte offset.
      ['far repeats', Buffer.concat([random(3000, 2), random(3000, 2), random(3000, 2)])],
      // Literals of 60+, 256+ bytes between matches, across several 64 KiB blocks.
      [
        'mixed',
        Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([random(50 + i * 13, i), Buffer.alloc(40)]))),
      ],
    ];
    for (const [name, input] of cases) {
      const compressed = snappyCompress(input);
      assert.ok(compressed.length <= maxCompressedLength(input.length), name);
      assert.equal(hex(snappyDecode(compressed)), hex(input), name);
    }
  });

  it('compresses repetitive data and barely grows incompressible data', () => {
    const repetitive = Buffer.from('http_requests_total{method="GET",status="200"} '.repeat(2000));
    assert.ok(snappyCompress(repetitive).length < repetitive.length / 20);
    let x = 1;
    const noise = new Uint8Array(100_000).map(() => {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      return x >>> 24;
    });
    const out = snappyCompress(noise);
    assert.ok(out.length >= noise.length * 0.95 && out.length <= noise.length * 1.01, `${out.length}`);
  });
});

describe('remoteWriteEncoder', () => {
  it('has the spec headers, the protobuf content type and our version in User-Agent', () => {
    const encoder = remoteWriteEncoder();
    assert.equal(encoder.contentType, 'application/x-protobuf');
    assert.equal(REMOTE_WRITE_CONTENT_TYPE, 'application/x-protobuf');
    assert.deepEqual(encoder.headers, {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      'User-Agent': `prometheus-push-client/${VERSION}`,
    });
    assert.equal(encoder.headers, REMOTE_WRITE_HEADERS);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(VERSION, pkg.version, 'src/version.ts must follow package.json');
  });

  it('writes a one-series WriteRequest byte for byte (hand-assembled)', () => {
    const snap: Snapshot = { ...snapshot([gauges('g', 'k', [['', 1.5]])]), timestampMs: 1000 };
    const [payload, ...rest] = remoteWriteEncoder().encode(snap);
    assert.equal(rest.length, 0);
    assert.ok(payload);
    // prettier-ignore
    const expected = [
      0x0a, 29,                                   // WriteRequest.timeseries, 29 bytes
      0x0a, 13,                                   //   TimeSeries.labels, 13 bytes
      0x0a, 8, ...ascii('__name__'),              //     Label.name
      0x12, 1, ...ascii('g'),                     //     Label.value
                                                  //   (k="" omitted)
      0x12, 12,                                   //   TimeSeries.samples, 12 bytes
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f,         //     Sample.value 1.5 (fixed64, LE)
      0x10, 0xe8, 0x07,                           //     Sample.timestamp 1000 (varint)
    ];
    assert.deepEqual([...snappyDecode(payload)], expected);
  });

  it('writes a labelled series byte for byte, labels sorted (hand-assembled)', () => {
    const snap: Snapshot = { ...snapshot([gauges('g', 'k', [['v', -1]])]), timestampMs: 1000 };
    const [payload] = remoteWriteEncoder().encode(snap);
    assert.ok(payload);
    // prettier-ignore
    const expected = [
      0x0a, 37,
      0x0a, 13, 0x0a, 8, ...ascii('__name__'), 0x12, 1, ...ascii('g'),
      0x0a, 6, 0x0a, 1, ...ascii('k'), 0x12, 1, ...ascii('v'),
      0x12, 12, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0xbf, 0x10, 0xe8, 0x07,
    ];
    assert.deepEqual([...snappyDecode(payload)], expected);
  });

  it('carries every metric type as the Prometheus sample set, defaults applied, labels sorted', () => {
    const got = flatten(decodePayloads(remoteWriteEncoder().encode(ALL_TYPES)));
    const d = { host: 'h1', job: 'batch' };
    assert.deepEqual(got, [
      // The own `job` label wins over the default even when empty (then it is simply absent).
      // (The fixture's default `le` is one a Registry refuses; encoders drop it only where a
      // sample has its own `le`.)
      sample({ __name__: 'jobs_processed_total', host: 'h1', job: 'own-job', le: 'never', queue: 'mail' }, 42),
      sample({ __name__: 'jobs_processed_total', host: 'h1', le: 'never', queue: 'sms' }, 0.5),
      sample({ __name__: 'temperature_celsius', ...d, le: 'never' }, -3.25),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'a' }, 1),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'b' }, Infinity),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'c' }, -Infinity),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'd' }, NaN),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'e' }, 1e21),
      sample({ __name__: 'up', ...d, le: 'never', zone: 'f' }, 1e-7),
      // The histogram's own `le` wins over the default; bounds in their canonical form.
      sample({ __name__: 'latency_seconds_bucket', ...d, le: '0.005', method: 'GET' }, 1),
      sample({ __name__: 'latency_seconds_bucket', ...d, le: '1.0', method: 'GET' }, 3),
      sample({ __name__: 'latency_seconds_bucket', ...d, le: '10.0', method: 'GET' }, 4),
      sample({ __name__: 'latency_seconds_bucket', ...d, le: '+Inf', method: 'GET' }, 5),
      sample({ __name__: 'latency_seconds_sum', ...d, method: 'GET' }, 12.75),
      sample({ __name__: 'latency_seconds_count', ...d, method: 'GET' }, 5),
      sample({ __name__: 'payload_bytes', ...d, le: 'never', quantile: '0.5' }, NaN),
      sample({ __name__: 'payload_bytes', ...d, le: 'never', quantile: '0.99' }, 2048),
      sample({ __name__: 'payload_bytes_sum', ...d, le: 'never' }, -7),
      sample({ __name__: 'payload_bytes_count', ...d, le: 'never' }, 3),
      // Info labels win over defaults; an info label named like an own label is dropped.
      sample(
        { __name__: 'build_info', component: 'api', host: 'build-host', job: 'batch', le: 'never', version: '1.2.3' },
        1,
      ),
      sample({ __name__: 'phase', ...d, le: 'never', phase: 'starting' }, 0),
      sample({ __name__: 'phase', ...d, le: 'never', phase: 'running' }, 1),
      sample({ __name__: 'phase', ...d, le: 'never', phase: 'done' }, 0),
    ]);
    for (const names of labelNameLists(remoteWriteEncoder().encode(ALL_TYPES))) {
      assert.deepEqual(names, [...names].sort(), 'labels sorted by name');
    }
  });

  it('sorts by byte order: upper-case names before __name__, which is before lower case', () => {
    const families: MetricFamily[] = [
      {
        type: 'histogram',
        name: 'h',
        help: '',
        unit: '',
        labelNames: ['zone', 'Zone', 'app', '_x'],
        upperBounds: [1],
        series: [{ labelValues: ['z', 'Z', 'a', 'x'], bucketCounts: [1, 2], sum: 3, count: 2, created: 0 }],
      },
      // A stateset's label is named after the family: here it sorts before `__name__`.
      {
        type: 'stateset',
        name: 'Phase',
        help: '',
        unit: '',
        labelNames: ['b'],
        states: ['on'],
        series: [{ labelValues: ['1'], stateIndex: 0 }],
      },
    ];
    const names = labelNameLists(remoteWriteEncoder().encode(snapshot(families, { env: 'p', Aa: 'q' })));
    assert.deepEqual(names[0], ['Aa', 'Zone', '__name__', '_x', 'app', 'env', 'le', 'zone']);
    assert.deepEqual(names[2], ['Aa', 'Zone', '__name__', '_x', 'app', 'env', 'zone'], '_sum has no le');
    assert.deepEqual(names[4], ['Aa', 'Phase', '__name__', 'b', 'env']);
  });

  it('omits every empty label value: own, default, info and state', () => {
    const families: MetricFamily[] = [
      gauges('g', 'k', [['', 1]]),
      {
        type: 'info',
        name: 'i',
        help: '',
        unit: '',
        labelNames: ['a'],
        series: [{ labelValues: [''], infoNames: ['v', 'w'], infoValues: ['', 'x'] }],
      },
      {
        type: 'stateset',
        name: 's',
        help: '',
        unit: '',
        labelNames: [],
        states: ['', 'on'],
        series: [{ labelValues: [], stateIndex: 1 }],
      },
    ];
    const got = flatten(decodePayloads(remoteWriteEncoder().encode(snapshot(families, { empty: '', d: 'x' }))));
    assert.deepEqual(got, [
      sample({ __name__: 'g', d: 'x' }, 1),
      sample({ __name__: 'i_info', d: 'x', w: 'x' }, 1),
      sample({ __name__: 's', d: 'x' }, 0),
      sample({ __name__: 's', d: 'x', s: 'on' }, 1),
    ]);
    for (const series of decodePayloads(remoteWriteEncoder().encode(snapshot(families, { empty: '' })))) {
      for (const [name, value] of series.labels) assert.ok(name !== '' && value !== '', `${name}="${value}"`);
    }
  });

  it('keeps label values byte-exact (UTF-8, quotes, newlines, lone surrogates as U+FFFD)', () => {
    const got = flatten(decodePayloads(remoteWriteEncoder().encode(NASTY)));
    const expected = NASTY_VALUES.map(([name, value], i) => {
      const labels: Record<string, string> = { __name__: 'nasty', case: name };
      if (value !== '') labels['v'] = value.replace('\uD800', '\uFFFD');
      return sample(labels, i);
    });
    assert.deepEqual(got, expected);
  });

  it('sends NaN as the quiet NaN, never the stale marker', () => {
    const [payload] = remoteWriteEncoder().encode(snapshot([gauges('g', 'k', [['a', NaN]])]));
    assert.ok(payload);
    const raw = hex(snappyDecode(payload));
    assert.ok(raw.includes('09000000000000f87f'), raw);
    assert.ok(!raw.includes('0902000000000000f07f'), 'stale marker 0x7ff0000000000002');
  });

  it('stamps every sample with the snapshot time, or the timestampMs option, in whole ms', () => {
    const snap = snapshot([gauges('g', 'k', [['a', 1]])]);
    assert.equal(flatten(decodePayloads(remoteWriteEncoder().encode(snap)))[0]?.timestamp, TIMESTAMP_MS);
    const fixed = remoteWriteEncoder({ timestampMs: () => 1234.9 });
    assert.equal(flatten(decodePayloads(fixed.encode(snap)))[0]?.timestamp, 1234);
    const old = remoteWriteEncoder({ timestampMs: () => -86_400_000 });
    assert.equal(flatten(decodePayloads(old.encode(snap)))[0]?.timestamp, -86_400_000, 'int64, before 1970');
  });

  it('cuts large snapshots into independent requests of maxSeriesPerRequest series', () => {
    const values: [string, number][] = Array.from({ length: 7 }, (_, i) => [`s${i}`, i]);
    const snap = snapshot([gauges('g', 'k', values), gauges('h', 'k', [['x', 9]])]);
    const payloads = remoteWriteEncoder({ maxSeriesPerRequest: 3 }).encode(snap);
    assert.equal(payloads.length, 3);
    const perRequest = payloads.map((p) => decodeWriteRequest(snappyDecode(p)).length);
    assert.deepEqual(perRequest, [3, 3, 2]);
    assert.deepEqual(
      flatten(decodePayloads(payloads)),
      flatten(decodePayloads(remoteWriteEncoder().encode(snap))),
      'same series, same order',
    );
    assert.equal(DEFAULT_MAX_SERIES_PER_REQUEST, 5000);
    assert.equal(
      remoteWriteEncoder().encode(snapshot(Array.from({ length: 3 }, (_, i) => gauges(`g${i}`, 'k', values)))).length,
      1,
    );
    for (const bad of [0, -1, 1.5, NaN]) {
      assert.throws(
        () => remoteWriteEncoder({ maxSeriesPerRequest: bad }),
        (e: unknown) => e instanceof PushError && e.code === 'ERR_INVALID_ARG',
      );
    }
  });

  it('sends nothing for a snapshot without series', () => {
    assert.deepEqual(remoteWriteEncoder().encode(snapshot([])), []);
    const unused: MetricFamily = { type: 'counter', name: 'c', help: '', unit: '', labelNames: ['x'], series: [] };
    assert.deepEqual(remoteWriteEncoder().encode(snapshot([unused], { d: 'x' })), []);
  });

  it('encodes a real registry, and follows its changes across encodes (cached labels stay correct)', async () => {
    const clock = new FakeClock({ now: 1_700_000_000_000 });
    const registry = new Registry({ clock });
    const jobs = new Counter({ name: 'jobs', help: 'h', labelNames: ['queue'] as const, registry });
    const temp = new Gauge({ name: 'temp', help: 'h', registry });
    const latency = new Histogram({ name: 'latency', help: 'h', buckets: [1], labelNames: ['op'] as const, registry });
    jobs.labels({ queue: 'mail' }).inc(2);
    temp.set(21.5);
    latency.labels({ op: 'r' }).observe(0.5);
    const encoder = remoteWriteEncoder();
    const first = flatten(decodePayloads(encoder.encode(registry.collect())));
    const t = 1_700_000_000_000;
    assert.deepEqual(first, [
      sample({ __name__: 'jobs_total', queue: 'mail' }, 2, t),
      sample({ __name__: 'temp' }, 21.5, t),
      sample({ __name__: 'latency_bucket', le: '1.0', op: 'r' }, 1, t),
      sample({ __name__: 'latency_bucket', le: '+Inf', op: 'r' }, 1, t),
      sample({ __name__: 'latency_sum', op: 'r' }, 0.5, t),
      sample({ __name__: 'latency_count', op: 'r' }, 1, t),
    ]);
    await clock.advance(15_000);
    jobs.labels({ queue: 'mail' }).inc();
    registry.setDefaultLabels({ instance: 'i-1', zone: 'z' });
    const second = flatten(decodePayloads(encoder.encode(registry.collect())));
    const t2 = t + 15_000;
    const d = { instance: 'i-1', zone: 'z' };
    assert.deepEqual(second.slice(0, 3), [
      sample({ __name__: 'jobs_total', ...d, queue: 'mail' }, 3, t2),
      sample({ __name__: 'temp', ...d }, 21.5, t2),
      sample({ __name__: 'latency_bucket', ...d, le: '1.0', op: 'r' }, 1, t2),
    ]);
    registry.setDefaultLabels({});
    assert.deepEqual(flatten(decodePayloads(encoder.encode(registry.collect())))[0]?.labels, {
      __name__: 'jobs_total',
      queue: 'mail',
    });
  });

  it('does not mix up two families that share one label-values array (hand-built snapshots)', () => {
    const shared = ['x'];
    const families: MetricFamily[] = [
      { type: 'gauge', name: 'a', help: '', unit: '', labelNames: ['k'], series: [{ labelValues: shared, value: 1 }] },
      { type: 'gauge', name: 'b', help: '', unit: '', labelNames: ['j'], series: [{ labelValues: shared, value: 2 }] },
    ];
    const encoder = remoteWriteEncoder();
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(flatten(decodePayloads(encoder.encode(snapshot(families)))), [
        sample({ __name__: 'a', k: 'x' }, 1),
        sample({ __name__: 'b', j: 'x' }, 2),
      ]);
    }
  });

  it('compresses a realistic request about 8x; random label values much less', () => {
    const series = (value: (i: number) => string): MetricFamily => ({
      type: 'counter',
      name: 'http_requests',
      help: '',
      unit: '',
      labelNames: ['method', 'route', 'status'],
      series: Array.from({ length: 2000 }, (_, i) => ({
        labelValues: [['GET', 'POST'][i % 2]!, value(i), ['200', '500'][i % 3 === 0 ? 1 : 0]!],
        value: i * 7,
        created: 0,
      })),
    });
    const ratio = (family: MetricFamily): number => {
      const [payload] = remoteWriteEncoder().encode(snapshot([family]));
      assert.ok(payload);
      return snappyDecode(payload).length / payload.length;
    };
    const realistic = ratio(series((i) => `/api/v1/items/${i % 500}`));
    let seed = 7;
    const noise = (): string => {
      let s = '';
      for (let k = 0; k < 24; k++) {
        seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
        s += String.fromCharCode(33 + (seed >>> 25));
      }
      return s;
    };
    const incompressible = ratio(series(() => noise()));
    assert.ok(realistic > 5, `realistic ratio ${realistic}`);
    assert.ok(incompressible < realistic / 2, `random ratio ${incompressible} vs ${realistic}`);
  });
});
