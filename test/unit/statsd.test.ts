// StatsD encoder: golden files per tag style and mode (test/golden/statsd/*.txt; payloads of one
// encode are separated by PAYLOAD_SEPARATOR, see encoding-fixtures.ts) plus exact-byte checks of
// each rule. `UPDATE_GOLDEN=1` rewrites the golden files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PayloadWriter } from '../../src/encoding/framing.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import { sanitizeDogValue, sanitizeStrict } from '../../src/encoding/statsd-lines.js';
import type { StatsdTagStyle } from '../../src/encoding/statsd.js';
import type { PayloadTooLargeError } from '../../src/errors.js';
import type { MetricFamily } from '../../src/model/snapshot.js';
import {
  ALL_TYPES,
  NASTY,
  bareGauge,
  assertGolden,
  event,
  gaugePair,
  gauges,
  lines,
  singleState,
  snapshot,
  source,
  text,
} from './encoding-fixtures.js';

const STYLES: readonly StatsdTagStyle[] = ['dogstatsd', 'influx', 'librato', 'signalfx'];

describe('statsdEncoder batch mode', () => {
  for (const tagStyle of STYLES) {
    it(`writes every sample as a gauge, ${tagStyle} tags (golden)`, () => {
      const skipped: number[] = [];
      const encoder = statsdEncoder({ tagStyle, prefix: 'app.', onSkip: (n) => skipped.push(n) });
      assert.equal(encoder.tagStyle, tagStyle);
      assertGolden(`statsd/batch-${tagStyle}.txt`, encoder.encode(ALL_TYPES));
      // up{zone=b} +Inf, up{zone=c} -Inf, up{zone=d} NaN, payload_bytes{quantile=0.5} NaN
      assert.deepEqual(skipped, [4]);
    });

    it(`replaces characters ${tagStyle} tags cannot carry (golden)`, () => {
      assertGolden(`statsd/nasty-${tagStyle}.txt`, statsdEncoder({ tagStyle }).encode(NASTY));
    });
  }

  it('defaults to dogstatsd tags, no prefix and 1432-byte payloads', () => {
    const encoder = statsdEncoder();
    assert.equal(encoder.tagStyle, 'dogstatsd');
    assert.equal(lines(encoder.encode(snapshot([gauges('g', 'k', [['v', 1]])]))), 'g:1|g|#k:v\n');
    const big = snapshot([
      gauges(
        'g',
        'k',
        Array.from({ length: 200 }, (_, i): [string, number] => [`v${i}`, i]),
      ),
    ]);
    const payloads = encoder.encode(big);
    assert.ok(payloads.length > 1);
    for (const p of payloads) assert.ok(p.byteLength <= 1432);
  });

  it('sends a negative absolute value as 0 then the value', () => {
    const out = statsdEncoder().encode(snapshot([gauges('g', 'k', [['a', -5]])]));
    assert.equal(lines(out), 'g:0|g|#k:a\ng:-5|g|#k:a\n');
  });

  it('skips and counts NaN and ±Inf of metrics without labels, and resets a negative one first', () => {
    const skipped: number[] = [];
    const encoder = statsdEncoder({ onSkip: (n) => skipped.push(n) });
    const families = [
      bareGauge('a', Infinity),
      bareGauge('b', NaN),
      bareGauge('c', -Infinity),
      bareGauge('d', -2.5),
      bareGauge('e', 7),
    ];
    assert.equal(lines(encoder.encode(snapshot(families))), 'd:0|g\nd:-2.5|g\ne:7|g\n');
    assert.deepEqual(skipped, [3]);
  });

  it('omits tags with empty values, and the tag block when none is left', () => {
    for (const tagStyle of STYLES) {
      const out = statsdEncoder({ tagStyle }).encode(snapshot([gauges('g', 'k', [['', 1]])]));
      assert.equal(lines(out), 'g:1|g\n', tagStyle);
    }
  });

  it('prepends the prefix as given and sanitizes it like a name', () => {
    const out = statsdEncoder({ prefix: 'my:app.' }).encode(snapshot([gauges('g', 'k', [['v', 1]])]));
    assert.equal(lines(out), 'my_app.g:1|g|#k:v\n');
  });

  it('keeps counters as x_total, like the Prometheus exposition', () => {
    const family: MetricFamily = {
      type: 'counter',
      name: 'c',
      help: '',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], value: 3, created: 0 }],
    };
    assert.equal(lines(statsdEncoder().encode(snapshot([family]))), 'c_total:3|g\n');
  });
});

describe('statsd character table', () => {
  it('names, tag keys and non-dogstatsd tag values: \\n \\r | @ # , : = [ ] become _', () => {
    assert.equal(sanitizeStrict('plain.name-1 x'), 'plain.name-1 x');
    assert.equal(sanitizeStrict('a\nb\rc|d@e#f,g:h=i[j]k'), 'a_b_c_d_e_f_g_h_i_j_k');
  });

  it('dogstatsd tag values keep : = [ ]', () => {
    assert.equal(sanitizeDogValue('http://h:80/p?q=1[0]'), 'http://h:80/p?q=1[0]');
    assert.equal(sanitizeDogValue('a\nb\rc|d@e#f,g'), 'a_b_c_d_e_f_g');
  });

  it('replaces lone surrogates with U+FFFD and keeps valid pairs', () => {
    assert.equal(sanitizeStrict('a\uD800b'), 'a\uFFFDb');
    assert.equal(sanitizeStrict('a\uDC00'), 'a\uFFFD');
    assert.equal(sanitizeDogValue('\uD83D\uDE00\uD83D'), '\uD83D\uDE00\uFFFD');
    assert.equal(sanitizeStrict('😀:'), '😀_');
  });

  it('never emits a line with a raw newline or CR, in any style', () => {
    for (const tagStyle of STYLES) {
      const out = lines(statsdEncoder({ tagStyle, maxPayloadBytes: Infinity }).encode(NASTY));
      assert.ok(!out.includes('\r'));
      // one line per series (the `empty` case too: only its tag goes)
      assert.equal(out.split('\n').length - 1, NASTY.families[0]!.series.length, tagStyle);
    }
  });
});

describe('statsdEncoder event mode', () => {
  const counter = source('jobs', 'counter', ['queue']);
  const gauge = source('temp', 'gauge', []);
  const histogram = source('latency_seconds', 'histogram', ['method']);
  const summary = source('size_bytes', 'summary', []);
  const stateFamily: MetricFamily = {
    type: 'stateset',
    name: 'phase',
    help: '',
    unit: '',
    labelNames: ['worker'],
    states: ['idle', 'busy'],
    series: [{ labelValues: ['w1'], stateIndex: 1 }],
  };
  const stateset = source('phase', 'stateset', ['worker'], stateFamily);
  const infoFamily: MetricFamily = {
    type: 'info',
    name: 'build',
    help: '',
    unit: '',
    labelNames: [],
    series: [{ labelValues: [], infoNames: ['version'], infoValues: ['1.2.3'] }],
  };
  const info = source('build', 'info', [], infoFamily);
  const gaugeFamily: MetricFamily = gauges('temp', 'zone', [['z', -2]]);
  const gaugeWithFamily = source('temp', 'gauge', ['zone'], gaugeFamily);
  const mail = ['mail'];
  const get = ['GET'];

  const events = [
    event(counter, mail, 'inc', 1),
    event(counter, mail, 'inc', 2.5),
    event(gauge, [], 'set', 21.5),
    event(gauge, [], 'set', -4),
    event(histogram, get, 'observe', 0.25),
    event(histogram, get, 'observe', 1.1),
    event(summary, [], 'observe', 512),
    event(stateset, stateFamily.series[0]!.labelValues, 'set', 1),
    event(info, infoFamily.series[0]!.labelValues, 'set', 1),
    // A gauge change that is not a `set`: sent as the series' current value.
    event(gaugeWithFamily, gaugeFamily.series[0]!.labelValues, 'inc', 3),
    event(histogram, get, 'observe', NaN),
    event(counter, mail, 'inc', Infinity),
  ];

  it('writes native StatsD types, observations as ms by default (golden)', () => {
    const skipped: number[] = [];
    const encoder = statsdEncoder({ onSkip: (n) => skipped.push(n) });
    assertGolden(
      'statsd/events-dogstatsd.txt',
      encoder.encodeEvents(events, { defaultLabelNames: ['host'], defaultLabelValues: ['h1'] }),
    );
    assert.deepEqual(skipped, [2]);
  });

  for (const tagStyle of ['influx', 'librato', 'signalfx'] as const) {
    it(`writes events with ${tagStyle} tags (golden)`, () => {
      assertGolden(`statsd/events-${tagStyle}.txt`, statsdEncoder({ tagStyle, prefix: 'app.' }).encodeEvents(events));
    });
  }

  it('sends observations unchanged as h or d when asked', () => {
    const encoder = statsdEncoder({ histogramType: 'h', summaryType: 'd' });
    const out = encoder.encodeEvents([event(histogram, get, 'observe', 0.25), event(summary, [], 'observe', 512)]);
    assert.equal(lines(out), 'latency_seconds:0.25|h|#method:GET\nsize_bytes:512|d\n');
  });

  it('converts seconds to ms without float noise', () => {
    const encoder = statsdEncoder();
    const values = [1.1, 0.001, 0.0001, 2.675, 1e-9, 123456.789];
    const out = encoder.encodeEvents(values.map((v) => event(summary, [], 'observe', v)));
    assert.equal(
      lines(out),
      'size_bytes:1100|ms\nsize_bytes:1|ms\nsize_bytes:0.1|ms\nsize_bytes:2675|ms\nsize_bytes:0.000001|ms\nsize_bytes:123456789|ms\n',
    );
  });

  it('applies default labels only when given, with the same clash rule as batch mode', () => {
    const encoder = statsdEncoder();
    assert.equal(lines(encoder.encodeEvents([event(counter, mail, 'inc', 1)])), 'jobs_total:1|c|#queue:mail\n');
    const out = encoder.encodeEvents([event(counter, mail, 'inc', 1)], {
      defaultLabelNames: ['queue', 'env'],
      defaultLabelValues: ['ignored', 'prod'],
    });
    assert.equal(lines(out), 'jobs_total:1|c|#queue:mail,env:prod\n');
  });

  it('returns no payload for no events', () => {
    assert.deepEqual(statsdEncoder().encodeEvents([]), []);
  });
});

describe('statsd framing', () => {
  const many = snapshot(
    [
      gauges(
        'worker_queue_depth',
        'worker',
        Array.from({ length: 60 }, (_, i): [string, number] => [`w${i}`, i % 7 === 3 ? -i : i]),
      ),
    ],
    { host: 'h1' },
  );

  for (const limit of [512, 1432]) {
    it(`packs whole lines into ${limit}-byte payloads, a 0/negative pair never split (golden)`, () => {
      const payloads = statsdEncoder({ maxPayloadBytes: limit }).encode(many);
      assert.ok(payloads.length > 1);
      for (const [i, payload] of text(payloads).entries()) {
        assert.ok(Buffer.byteLength(payload) <= limit, `payload ${i} is ${Buffer.byteLength(payload)} bytes`);
        const first = payload.split('\n')[0]!;
        assert.ok(!first.includes(':-'), `payload ${i} starts with the negative half of a pair: ${first}`);
        for (const [j, line] of payload.split('\n').entries()) {
          if (line.includes(':-')) assert.equal(payload.split('\n')[j - 1], line.replace(/:-\d+/, ':0'));
        }
      }
      assertGolden(`statsd/framing-${limit}.txt`, payloads);
    });
  }

  it('sends the gauges of one histogram series in one datagram when they fit in one', () => {
    const series = (route: string, n: number) => ({
      labelValues: [route],
      bucketCounts: [n, n + 1, n + 2],
      sum: -n,
      count: n + 2,
      created: 0,
    });
    const histogram: MetricFamily = {
      type: 'histogram',
      name: 'rpc_seconds',
      help: '',
      unit: '',
      labelNames: ['route'],
      upperBounds: [0.1, 1],
      series: [series('/a', 1), series('/b', 2), series('/c', 3)],
    };
    const payloads = text(statsdEncoder({ maxPayloadBytes: 300 }).encode(snapshot([histogram])));
    assert.ok(payloads.length > 1);
    for (const route of ['/a', '/b', '/c']) {
      const holders = payloads.filter((p) => p.includes(`route:${route}`));
      assert.equal(holders.length, 1, route);
      // 3 buckets, a 0/negative pair for the sum, count
      assert.equal(holders[0]!.split('\n').filter((l) => l.includes(`route:${route}`)).length, 6, route);
    }
  });

  it('keeps a pair together at the exact boundary', () => {
    // 'g:1|g\n' is 6 bytes; the pair 'g:0|g\ng:-5|g\n' is 13: 6 + 13 > 16, so the pair moves on.
    const out = statsdEncoder({ maxPayloadBytes: 16 }).encode(
      snapshot([
        gauges('g', 'k', [
          ['', 1],
          ['', -5],
        ]),
      ]),
    );
    assert.deepEqual(text(out), ['g:1|g\n', 'g:0|g\ng:-5|g\n']);
  });

  it('counts bytes, not UTF-16 units, wherever non-ASCII text sits', () => {
    // 'g:1|g|#k:é\n' is 12 bytes in 11 UTF-16 units: two lines fit 24 bytes, not 22.
    const tagged = statsdEncoder({ maxPayloadBytes: 23 }).encode(
      snapshot([
        gauges('g', 'k', [
          ['é', 1],
          ['é', 2],
        ]),
      ]),
    );
    assert.deepEqual(text(tagged), ['g:1|g|#k:é\n', 'g:2|g|#k:é\n']);
    // In the name: 'é:1|g\n' is 7 bytes, 6 units.
    const named = statsdEncoder({ maxPayloadBytes: 13 }).encode(gaugePair('é'));
    assert.deepEqual(text(named), ['é:1|g\n', 'é:2|g\n']);
    // In a state (the extra tag), and in a negative pair.
    const state = singleState('s', 'ü');
    const stated = statsdEncoder({ maxPayloadBytes: 23 }).encode(snapshot([state, state]));
    assert.deepEqual(text(stated), ['s:1|g|#s:ü\n', 's:1|g|#s:ü\n']);
    const pair = statsdEncoder({ maxPayloadBytes: 25 }).encode(snapshot([gauges('g', 'k', [['é', -1]])]));
    assert.deepEqual(text(pair), ['g:0|g|#k:é\ng:-1|g|#k:é\n']);
    const errors: PayloadTooLargeError[] = [];
    // 25 bytes in 23 units: too large for 24.
    statsdEncoder({ maxPayloadBytes: 24, onOversize: (e) => errors.push(e) }).encode(
      snapshot([gauges('g', 'k', [['é', -1]])]),
    );
    assert.equal(errors[0]?.bytes, 25);
  });

  it('reports a line longer than the payload limit as ERR_PAYLOAD_TOO_LARGE and drops only it', () => {
    const errors: PayloadTooLargeError[] = [];
    const encoder = statsdEncoder({ maxPayloadBytes: 512, onOversize: (e) => errors.push(e) });
    const out = encoder.encode(
      snapshot([
        gauges('g', 'k', [
          ['a', 1],
          ['x'.repeat(600), 2],
          ['b', 3],
        ]),
      ]),
    );
    assert.equal(lines(out), 'g:1|g|#k:a\ng:3|g|#k:b\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(errors[0]?.limit, 512);
    assert.equal(errors[0]?.bytes, 'g:2|g|#k:\n'.length + 600);
  });

  it('reports an oversize negative pair as one unit', () => {
    const errors: PayloadTooLargeError[] = [];
    const out = statsdEncoder({ maxPayloadBytes: 20, onOversize: (e) => errors.push(e) }).encode(
      snapshot([gauges('g', 'k', [['abcdef', -1]])]),
    );
    assert.deepEqual(out, []);
    assert.equal(errors[0]?.bytes, 'g:0|g|#k:abcdef\ng:-1|g|#k:abcdef\n'.length);
  });
});

describe('PayloadWriter.linePair', () => {
  it('puts both lines in one payload', () => {
    const writer = new PayloadWriter(10);
    writer.line('aaaa');
    writer.linePair('b', 'c');
    writer.linePair('d', 'e');
    assert.deepEqual(text(writer.finish()), ['aaaa\nb\nc\n', 'd\ne\n']);
  });
});
