// The CLI's readers and parsers, in process: snappy and protobuf (remote write), the text,
// Influx and StatsD line parsers, Pushgateway grouping paths, HTTP routing, `--to` targets and
// the snapshot `push` builds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition, ExpositionError } from '../../src/cli/decode/exposition.js';
import { parseGrouping } from '../../src/cli/decode/grouping-path.js';
import { parseInfluxLines } from '../../src/cli/decode/influx-line.js';
import { decodeWriteRequest } from '../../src/cli/decode/remote-write.js';
import { snappyDecompress, SnappyError } from '../../src/cli/decode/snappy.js';
import { looksLikeStatsd, parseStatsdLine } from '../../src/cli/decode/statsd.js';
import { routeRequest } from '../../src/cli/http-route.js';
import { snapshotOf } from '../../src/cli/sample-snapshot.js';
import { parseTarget } from '../../src/cli/targets.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { remoteWriteEncoder } from '../../src/encoding/remote-write.js';
import { snappyCompress } from '../../src/encoding/snappy.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';

describe('snappyDecompress', () => {
  it('inverts our compressor on repetitive, random and empty inputs, across 64 KiB blocks', () => {
    let seed = 7;
    const random = new Uint8Array(100_000).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    const text = new TextEncoder().encode('metric_total{job="a",instance="b"} 1\n'.repeat(5000));
    for (const input of [new Uint8Array(0), new Uint8Array([1]), random, text]) {
      assert.deepEqual(snappyDecompress(snappyCompress(input)), input);
    }
  });

  it('reads every element kind, overlapping copies and long literals included', () => {
    const literal70 = new Uint8Array(70).map((_, i) => i);
    const block = new Uint8Array([
      ...[70 + 10 + 8 + 5 + 4], // uncompressed length 97 (varint)
      (60 << 2) | 0, // literal, length - 1 in the next byte
      69,
      ...literal70,
      ((10 - 4) << 2) | 1 | (0 << 5), // copy, 1-byte offset: 10 bytes from 1 back (a run of 69s)
      1,
      ((8 - 1) << 2) | 2, // copy, 2-byte offset 80: bytes 0..7
      80,
      0,
      ((5 - 1) << 2) | 3, // copy, 4-byte offset 88: bytes 0..4
      88,
      0,
      0,
      0,
      ((4 - 1) << 2) | 0, // literal of 4
      ...[9, 9, 9, 9],
    ]);
    const out = snappyDecompress(block);
    assert.deepEqual([...out.subarray(0, 70)], [...literal70]);
    assert.deepEqual([...out.subarray(70, 80)], new Array(10).fill(69));
    assert.deepEqual([...out.subarray(80, 88)], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...out.subarray(88, 93)], [0, 1, 2, 3, 4]);
    assert.deepEqual([...out.subarray(93)], [9, 9, 9, 9]);
  });

  it('rejects corrupt input instead of reading out of bounds', () => {
    for (const bad of [
      [], // no preamble
      [5, 0 << 2, 1], // literal shorter than the stated length
      [4, (3 << 2) | 1, 1], // copy before any output
      [2, (1 << 2) | 0, 1, 2, 3], // literal longer than the stated length
      [0xff, 0xff, 0xff, 0xff, 0x7f], // 32 GiB claimed
    ]) {
      assert.throws(() => snappyDecompress(new Uint8Array(bad)), SnappyError, JSON.stringify(bad));
    }
  });
});

describe('decodeWriteRequest', () => {
  it('reads what remoteWriteEncoder writes', () => {
    const snapshot = snapshotOf(
      [
        { name: 'up', labels: [['job', 'a']], value: 1, type: 'gauge', help: '', where: '' },
        { name: 'hits_total', labels: [], value: 2.5, type: 'counter', help: '', where: '' },
      ],
      [['env', 'ci']],
      0,
    );
    const [payload] = remoteWriteEncoder({ timestampMs: () => -5 }).encode(snapshot);
    assert.deepEqual(decodeWriteRequest(snappyDecompress(payload!)), [
      {
        name: 'up',
        labels: [
          ['env', 'ci'],
          ['job', 'a'],
        ],
        value: 1,
        timestampMs: -5,
        type: '',
      },
      { name: 'hits_total', labels: [['env', 'ci']], value: 2.5, timestampMs: -5, type: '' },
    ]);
  });

  it('takes types from metadata and skips unknown fields', () => {
    // WriteRequest{ timeseries: [{labels: [__name__=x_total], samples: [{value: 1, ts: 2}]}], field 9 varint, metadata: [{type: COUNTER, family: x}] }
    const name = Buffer.from('__name__');
    const value = Buffer.from('x_total');
    const labelMsg = [0x0a, name.length, ...name, 0x12, value.length, ...value];
    const sampleMsg = [0x09, ...new Uint8Array(new Float64Array([1]).buffer), 0x10, 2];
    const series = [0x0a, labelMsg.length, ...labelMsg, 0x12, sampleMsg.length, ...sampleMsg];
    const family = Buffer.from('x');
    const metadata = [0x08, 1, 0x12, family.length, ...family];
    const request = new Uint8Array([0x0a, series.length, ...series, 0x48, 1, 0x1a, metadata.length, ...metadata]);
    assert.deepEqual(decodeWriteRequest(request), [
      { name: 'x_total', labels: [], value: 1, timestampMs: 2, type: 'counter' },
    ]);
  });
});

describe('parseExposition', () => {
  it('reads our own Prometheus text back', () => {
    const snapshot = snapshotOf(
      [{ name: 'm', labels: [['v', 'a\\b"c\nd']], value: -Infinity, type: 'gauge', help: 'h\\x\ny', where: '' }],
      [],
      0,
    );
    const text = Buffer.from(prometheusTextEncoder().encode(snapshot)[0]!).toString();
    const [sample] = parseExposition(text);
    assert.deepEqual(sample, {
      name: 'm',
      labels: [['v', 'a\\b"c\nd']],
      value: -Infinity,
      timestampMs: undefined,
      family: 'm',
      type: 'gauge',
      help: 'h\\x\ny',
      line: 3,
    });
  });

  it('reads values, timestamps, spacing, trailing commas and OpenMetrics extras', () => {
    const text =
      '# TYPE c counter\n' +
      'c_total{a="1",} 1e3 1700000000.5 # {trace_id="x"} 1\n' +
      'c_created 1700000000\n' +
      'plain   NaN\r\n' +
      '  spaced { a = "x" } +Inf\n' +
      '# EOF\n' +
      'ignored after eof\n';
    const samples = parseExposition(text, 'openmetrics');
    assert.deepEqual(
      samples.map((s) => [s.name, s.labels, s.value, s.timestampMs, s.family, s.type]),
      [
        ['c_total', [['a', '1']], 1000, 1_700_000_000_500, 'c', 'counter'],
        ['c_created', [], 1_700_000_000, undefined, 'c', 'counter'],
        ['plain', [], NaN, undefined, 'plain', undefined],
        ['spaced', [['a', 'x']], Infinity, undefined, 'spaced', undefined],
      ],
    );
    assert.equal(parseExposition('x 1 1700000000000\n')[0]!.timestampMs, 1_700_000_000_000);
  });

  for (const [text, message] of [
    ['x{a="1" b="2"} 1', /expected , or }/],
    ['x{a="1",a="2"} 1', /label a appears twice/],
    ['x{a=1} 1', /expected " to open/],
    ['x 0x10', /invalid value "0x10"/],
    ['x 1 2 3', /unexpected "3"/],
    ['x 1 1.5', /invalid timestamp "1.5"/],
    ['x{a="\\q"} 1', /invalid escape \\q/],
    ['x', /expected a space and a value/],
    ['9x 1', /expected a metric name/],
    ['# TYPE x counter\n# TYPE x gauge', /second # TYPE line for x/],
  ] as const) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseExposition(text),
        (error: unknown) => error instanceof ExpositionError && message.test(error.message),
      );
    });
  }
});

describe('parseInfluxLines', () => {
  it('names series like VictoriaMetrics and reads every field type and escape', () => {
    const { samples, problems } = parseInfluxLines(
      [
        ',le=+Inf,job=t x_bucket=3',
        ' bare=1',
        'cpu,host=a\\ b\\,c\\=d usage=0.5,count=3i,big=7u,on=t,off=FALSE,s="a \\"q\\" , b" 1700000000000000000',
        'my\\ meas,tag=back\\\\slash v=-inf',
        '# a comment',
        '',
        'bad',
      ].join('\n'),
    );
    assert.deepEqual(
      samples.map((s) => [s.name, s.labels, s.value, s.fieldType, s.timestampMs]),
      [
        [
          'x_bucket',
          [
            ['le', '+Inf'],
            ['job', 't'],
          ],
          3,
          'float',
          undefined,
        ],
        ['bare', [], 1, 'float', undefined],
        ['cpu_usage', [['host', 'a b,c=d']], 0.5, 'float', 1_700_000_000_000],
        ['cpu_count', [['host', 'a b,c=d']], 3, 'int', 1_700_000_000_000],
        ['cpu_big', [['host', 'a b,c=d']], 7, 'uint', 1_700_000_000_000],
        ['cpu_on', [['host', 'a b,c=d']], 1, 'bool', 1_700_000_000_000],
        ['cpu_off', [['host', 'a b,c=d']], 0, 'bool', 1_700_000_000_000],
        ['my meas_v', [['tag', 'back\\slash']], -Infinity, 'float', undefined],
      ],
    );
    assert.deepEqual(problems, [
      'influx: string field cpu_s not shown (VictoriaMetrics stores it as 0)',
      'influx: missing fields: "bad"',
    ]);
  });

  it('converts timestamps by precision', () => {
    assert.equal(parseInfluxLines('x v=1 1700000000', 's').samples[0]!.timestampMs, 1_700_000_000_000);
    assert.equal(parseInfluxLines('x v=1 1700000000000', 'ms').samples[0]!.timestampMs, 1_700_000_000_000);
  });
});

describe('statsd lines', () => {
  it('tells StatsD from Influx', () => {
    assert.equal(looksLikeStatsd('a.b:1|c'), true);
    assert.equal(looksLikeStatsd('a:1:2:3|d'), true);
    assert.equal(looksLikeStatsd('users:alice|s'), true);
    assert.equal(looksLikeStatsd('m,t=a f=1'), false);
    assert.equal(looksLikeStatsd('m f="a:1|c"'), false);
    assert.equal(looksLikeStatsd(' x_total=3'), false);
  });

  it('reads every tag style, rates, deltas, multi-values and timestamps', () => {
    const read = (line: string): unknown[] => parseStatsdLine(line).map((s) => [s.name, s.labels, s.value, s.type]);
    assert.deepEqual(read('x:1|c|@0.5|#a:1,b,c:x:y'), [
      [
        'x',
        [
          ['a', '1'],
          ['b', ''],
          ['c', 'x:y'],
        ],
        1,
        'c@0.5',
      ],
    ]);
    assert.deepEqual(read('x,a=1,b=2:-5|g'), [
      [
        'x',
        [
          ['a', '1'],
          ['b', '2'],
        ],
        -5,
        'g (delta)',
      ],
    ]);
    assert.deepEqual(read('x#a=1:+2|g'), [['x', [['a', '1']], 2, 'g (delta)']]);
    assert.deepEqual(read('x[a=1]:250|ms'), [['x', [['a', '1']], 250, 'ms']]);
    assert.deepEqual(read('x:1:2|d'), [
      ['x', [], 1, 'd'],
      ['x', [], 2, 'd'],
    ]);
    assert.equal(parseStatsdLine('x:1|g|T1700000000')[0]!.timestampMs, 1_700_000_000_000);
    assert.throws(() => parseStatsdLine('x:abc|c'), /bad value "abc"/);
  });
});

describe('parseGrouping', () => {
  it('decodes percent-encoding and @base64 (padding optional, = for empty)', () => {
    assert.deepEqual(parseGrouping(['job', 'a%20b', 'path@base64', 'YS9i', 'e@base64', '=', 'p@base64', 'YQ==']), {
      job: 'a b',
      labels: [
        ['path', 'a/b'],
        ['e', ''],
        ['p', 'a'],
      ],
    });
  });

  for (const segments of [['job'], ['instance', 'x'], ['job', ''], ['job', 'a', 'k', 'v', 'k', 'w']]) {
    it(`rejects ${segments.join('/')}`, () => {
      assert.throws(() => parseGrouping(segments));
    });
  }
});

describe('routeRequest', () => {
  it('routes by path, method and content type', () => {
    assert.deepEqual(routeRequest('POST', '/write?precision=ms', undefined), { kind: 'influx', precision: 'ms' });
    assert.deepEqual(routeRequest('POST', '/api/v2/write?precision=u', undefined), {
      kind: 'influx',
      precision: 'us',
    });
    assert.deepEqual(routeRequest('POST', '/api/v1/import/prometheus', 'application/openmetrics-text'), {
      kind: 'text',
      openMetrics: true,
    });
    assert.deepEqual(routeRequest('POST', '/api/v1/write', 'application/x-protobuf'), { kind: 'remote-write' });
    assert.deepEqual(routeRequest('PUT', '/prefix/metrics/job/j/k/v', 'text/plain'), {
      kind: 'pushgateway',
      grouping: { job: 'j', labels: [['k', 'v']] },
      openMetrics: false,
    });
    assert.equal(routeRequest('GET', '/ping', undefined).kind, 'reply');
    for (const [method, path, status] of [
      ['DELETE', '/metrics/job/j', 202],
      ['GET', '/metrics/job/j', 405],
      ['GET', '/write', 405],
      ['POST', '/metrics/job/j/odd', 400],
      ['POST', '/other', 404],
      ['GET', '/-/healthy', 200],
    ] as const) {
      const route = routeRequest(method, path, undefined);
      assert.equal(route.kind === 'reply' && route.status, status, `${method} ${path}`);
    }
  });
});

describe('parseTarget', () => {
  it('reads every scheme with its defaults', () => {
    assert.deepEqual(parseTarget('influx+udp://vm'), {
      kind: 'influx-udp',
      display: 'influx+udp://vm',
      host: 'vm',
      port: 8089,
      flavor: 'victoriametrics',
    });
    assert.deepEqual(parseTarget('statsd://[::1]:9125#tags=signalfx&prefix=a.'), {
      kind: 'statsd',
      display: 'statsd://[::1]:9125#tags=signalfx&prefix=a.',
      host: '::1',
      port: 9125,
      tagStyle: 'signalfx',
      prefix: 'a.',
    });
    assert.deepEqual(parseTarget('influx+https://u:p%3A@vm/api/v2/write?bucket=b#gzip&flavor=influxdb'), {
      kind: 'influx-http',
      display: 'influx+https://vm/api/v2/write?bucket=b#gzip&flavor=influxdb',
      auth: { username: 'u', password: 'p:' },
      gzip: true,
      url: 'https://vm/api/v2/write?bucket=b',
      flavor: 'influxdb',
    });
    assert.deepEqual(parseTarget('pushgateway+http://:tok@pgw:9091/gw/metrics/job/j/k@base64/YS9i#method=put'), {
      kind: 'pushgateway',
      display: 'pushgateway+http://pgw:9091/gw/metrics/job/j/k@base64/YS9i#method=put',
      auth: { bearer: 'tok' },
      gzip: false,
      url: 'http://pgw:9091/gw',
      method: 'PUT',
      job: 'j',
      grouping: [['k', 'a/b']],
    });
    const prom = parseTarget('prom+http://vm:8428');
    assert.equal(prom.kind === 'prom-http' && prom.url, 'http://vm:8428/api/v1/import/prometheus');
    const rw = parseTarget('remote-write+https://prom:9090');
    assert.equal(rw.kind === 'remote-write' && rw.url, 'https://prom:9090/api/v1/write');
  });

  for (const [text, message] of [
    ['vm:8089', /expected a URL/],
    ['gopher://x', /unknown scheme gopher:\/\//],
    ['statsd://x:0', /port 0/],
    ['statsd://u:p@x', /no credentials/],
    ['influx+udp://x/path', /no path or query/],
    ['statsd://x#tags=bad', /#tags=bad/],
    ['influx+http://x#method=PUT', /unknown option #method/],
    ['prom+http://x#format=json', /#format=json/],
    ['pushgateway+http://x/job/j/odd', /odd number/],
    ['pushgateway+http://u:hunter2@x/job/j?q=1', /takes no query/],
  ] as const) {
    it(`rejects ${text}`, () => {
      assert.throws(
        () => parseTarget(text),
        (error: unknown) =>
          error instanceof UsageError && message.test(error.message) && !error.message.includes('hunter2'),
      );
    });
  }
});

describe('snapshotOf', () => {
  it('unions label names per family, keeps the last value of a repeated series, strips _total', () => {
    const snapshot = snapshotOf(
      [
        { name: 'x', labels: [['a', '1']], value: 1, type: 'gauge', help: '', where: '' },
        { name: 'x', labels: [['b', '2']], value: 2, type: 'gauge', help: 'later help', where: '' },
        { name: 'x', labels: [['a', '1']], value: 3, type: 'gauge', help: '', where: '' },
        { name: 'n_total', labels: [], value: 4, type: 'counter', help: '', where: '' },
      ],
      [],
      5,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), {
      families: [
        {
          name: 'x',
          help: 'later help',
          unit: '',
          labelNames: ['a', 'b'],
          type: 'gauge',
          series: [
            { labelValues: ['1', ''], value: 3 },
            { labelValues: ['', '2'], value: 2 },
          ],
        },
        {
          name: 'n',
          help: '',
          unit: '',
          labelNames: [],
          type: 'counter',
          series: [{ labelValues: [], value: 4, created: 0 }],
        },
      ],
      defaultLabelNames: [],
      defaultLabelValues: [],
      timestampMs: 5,
    });
  });

  it('refuses reserved label names', () => {
    assert.throws(
      () => snapshotOf([{ name: 'x', labels: [['__x', '1']], value: 1, type: 'gauge', help: '', where: 'arg' }], [], 0),
      /arg: label name "__x" of x cannot be pushed/,
    );
  });
});
