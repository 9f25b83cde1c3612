// `prometheus-push-client listen`: a real child process receiving payloads that our own encoders
// produce, sent over real UDP and HTTP; the test reads the rows it prints.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startListener } from '../../src/cli/listener.js';
import type { ReceivedSample } from '../../src/cli/received-sample.js';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { remoteWriteEncoder } from '../../src/encoding/remote-write.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { Registry } from '../../src/registry.js';
import { listeningPorts, runCli, startCli } from './support/cli.js';
import type { CliProcess } from './support/cli.js';

/** A registry with a counter, a negative gauge and a histogram, plus a default label. */
function snapshot(): Snapshot {
  const registry = new Registry();
  new Counter({ name: 'jobs', help: 'Jobs done', labelNames: ['queue'] as const, registry })
    .labels({ queue: 'mail' })
    .inc(3);
  new Gauge({ name: 'temp', help: 'Temperature', registry }).set(-2.5);
  new Histogram({ name: 'latency_seconds', help: 'Latency', buckets: [0.1, 1], labelNames: ['op'] as const, registry })
    .labels({ op: 'get' })
    .observe(0.5);
  registry.setDefaultLabels({ env: 'ci' });
  return registry.collect();
}

type Row = [name: string, labels: Record<string, string>, value: number | string, type: string];

/** The seven samples of `snapshot()`, with the type column a format gives each. */
function expected(types: { counter: string; gauge: string; histogram: string }): Row[] {
  const h = types.histogram;
  return [
    ['jobs_total', { queue: 'mail', env: 'ci' }, 3, types.counter],
    ['temp', { env: 'ci' }, -2.5, types.gauge],
    ['latency_seconds_bucket', { op: 'get', env: 'ci', le: '0.1' }, 0, h],
    ['latency_seconds_bucket', { op: 'get', env: 'ci', le: '1.0' }, 1, h],
    ['latency_seconds_bucket', { op: 'get', env: 'ci', le: '+Inf' }, 1, h],
    ['latency_seconds_sum', { op: 'get', env: 'ci' }, 0.5, h],
    ['latency_seconds_count', { op: 'get', env: 'ci' }, 1, h],
  ];
}

interface JsonRow {
  format: string;
  via: string;
  name: string;
  labels: Record<string, string>;
  value: number | string;
  type: string;
  timestampMs?: number;
}

function send(
  port: number,
  method: string,
  path: string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function sendUdp(port: number, payloads: readonly Uint8Array[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  for (const payload of payloads) {
    await new Promise<void>((resolve, reject) =>
      socket.send(payload, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
    );
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

describe('cli listen --json', { timeout: 60_000 }, () => {
  let cli: CliProcess;
  let udp: number;
  let httpPort: number;
  /** Rows (stdout lines after `listening on`) already consumed by earlier tests. */
  let seen = 0;
  before(async () => {
    cli = startCli(['listen', '--udp', '0', '--http', '0', '--json']);
    const ports = await listeningPorts(cli);
    udp = ports.udp!;
    httpPort = ports.http!;
  });
  after(async () => {
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    assert.equal(result.code, 0, 'listen ends with 0 on SIGTERM');
  });

  /** Waits for `n` more rows and returns them parsed. */
  async function rows(n: number): Promise<JsonRow[]> {
    const lines = await cli.lines(1 + seen + n);
    const fresh = lines.slice(1 + seen, 1 + seen + n);
    seen += n;
    return fresh.map((line) => JSON.parse(line) as JsonRow);
  }

  function assertRows(actual: JsonRow[], format: string, via: string, want: Row[]): void {
    assert.deepEqual(
      actual.map((r) => [r.format, r.via, r.name, r.labels, r.value, r.type]),
      want.map(([name, labels, value, type]) => [format, via, name, labels, value, type]),
    );
  }

  it('decodes Influx line protocol over UDP (VictoriaMetrics naming)', async () => {
    await sendUdp(udp, influxLineEncoder().encode(snapshot()));
    assertRows(await rows(7), 'influx', 'udp', expected({ counter: 'float', gauge: 'float', histogram: 'float' }));
  });

  it('decodes StatsD over UDP, showing a negative gauge as 0 then a delta', async () => {
    await sendUdp(udp, statsdEncoder().encode(snapshot()));
    const want = expected({ counter: 'g', gauge: 'g', histogram: 'g' });
    want.splice(1, 1, ['temp', { env: 'ci' }, 0, 'g'], ['temp', { env: 'ci' }, -2.5, 'g (delta)']);
    assertRows(await rows(8), 'statsd', 'udp', want);
  });

  it('decodes Influx line protocol over HTTP /write (gzip, precision) and answers 204', async () => {
    const body = Buffer.concat([...influxLineEncoder().encode(snapshot()), Buffer.from(' stamped=1 1700000000\n')]);
    const answer = await send(httpPort, 'POST', '/write?db=x&precision=s', gzipSync(body), {
      'content-encoding': 'gzip',
    });
    assert.equal(answer.status, 204);
    const got = await rows(8);
    assertRows(got.slice(0, 7), 'influx', 'http', expected({ counter: 'float', gauge: 'float', histogram: 'float' }));
    assert.deepEqual(got[7], {
      format: 'influx',
      via: 'http',
      name: 'stamped',
      labels: {},
      value: 1,
      type: 'float',
      timestampMs: 1_700_000_000_000,
    });
  });

  it('decodes Prometheus text at /api/v1/import/prometheus with its types', async () => {
    const answer = await send(
      httpPort,
      'POST',
      '/api/v1/import/prometheus',
      prometheusTextEncoder().encode(snapshot())[0]!,
    );
    assert.equal(answer.status, 204);
    assertRows(
      await rows(7),
      'prometheus',
      'http',
      expected({ counter: 'counter', gauge: 'gauge', histogram: 'histogram' }),
    );
  });

  it('decodes a Pushgateway push with its grouping labels (base64 included) and answers 200', async () => {
    const path = `/metrics/job/nightly/instance@base64/${Buffer.from('a/b').toString('base64url')}`;
    const answer = await send(httpPort, 'PUT', path, prometheusTextEncoder().encode(snapshot())[0]!);
    assert.equal(answer.status, 200);
    const want = expected({ counter: 'counter', gauge: 'gauge', histogram: 'histogram' }).map(
      ([name, labels, value, type]): Row => [name, { ...labels, job: 'nightly', instance: 'a/b' }, value, type],
    );
    assertRows(await rows(7), 'pushgateway', 'http', want);
  });

  it('answers a Pushgateway DELETE with 202 and says so on stderr', async () => {
    const answer = await send(httpPort, 'DELETE', '/metrics/job/nightly', '');
    assert.equal(answer.status, 202);
    await cli.errorLine(/^prometheus-push-client: listen: pushgateway: DELETE group \{job="nightly"\}$/);
  });

  it('decodes OpenMetrics by its content type', async () => {
    const encoder = openMetricsEncoder();
    const answer = await send(httpPort, 'POST', '/api/v1/import/prometheus', encoder.encode(snapshot())[0]!, {
      'content-type': encoder.contentType,
    });
    assert.equal(answer.status, 204);
    assertRows(
      await rows(7),
      'openmetrics',
      'http',
      expected({ counter: 'counter', gauge: 'gauge', histogram: 'histogram' }),
    );
  });

  it('decodes remote write (snappy + protobuf) at /api/v1/write', async () => {
    const encoder = remoteWriteEncoder({ timestampMs: () => 1_700_000_000_123 });
    const answer = await send(httpPort, 'POST', '/api/v1/write', encoder.encode(snapshot())[0]!, {
      ...encoder.headers,
    });
    assert.equal(answer.status, 204);
    const got = await rows(7);
    assertRows(got, 'remote-write', 'http', expected({ counter: '', gauge: '', histogram: '' }));
    assert.ok(got.every((r) => r.timestampMs === 1_700_000_000_123));
  });

  it('answers 404 for an unknown path and 400 for a payload that does not parse, on stderr too', async () => {
    assert.equal((await send(httpPort, 'POST', '/nowhere', 'x 1')).status, 404);
    const bad = await send(httpPort, 'POST', '/api/v1/import/prometheus', 'x{a="1} 2\n');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /line 1: unterminated value of label a/);
    await cli.errorLine(/^prometheus-push-client: listen: no receiver for POST \/nowhere$/);
    await cli.errorLine(/^prometheus-push-client: listen: http: POST \/api\/v1\/import\/prometheus: line 1: /);
  });

  it('keeps decoding the good lines of a payload with a bad one', async () => {
    await sendUdp(udp, [Buffer.from('good:1|c\nbroken line\nalso_good:2|ms|@0.5|#k:v\n')]);
    const got = await rows(2);
    assert.deepEqual(
      got.map((r) => [r.name, r.labels, r.value, r.type]),
      [
        ['good', {}, 1, 'c'],
        ['also_good', { k: 'v' }, 2, 'ms@0.5'],
      ],
    );
    await cli.errorLine(/^prometheus-push-client: listen: influx: bad field: "broken line"$/);
  });
});

describe('cli listen (table)', { timeout: 60_000 }, () => {
  it('prints the listening line, a header, then one aligned row per sample', async () => {
    const cli = startCli(['listen', '--udp', '0']);
    const ports = await listeningPorts(cli);
    assert.equal(ports.http, undefined);
    await sendUdp(ports.udp!, [Buffer.from('requests_total:5|c|#route:/a b\n')]);
    const lines = await cli.lines(3);
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    assert.equal(result.code, 0);
    assert.equal(lines[0], `listening on udp://127.0.0.1:${ports.udp}`);
    assert.equal(
      lines[1],
      'FORMAT        NAME                              LABELS                                    VALUE           TYPE',
    );
    assert.equal(
      lines[2],
      'statsd        requests_total                    {route="/a b"}                            5               c',
    );
  });

  it('prints its usage with --help', async () => {
    const result = await runCli(['listen', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: prometheus-push-client listen \[--udp PORT\] \[--http PORT\]/);
  });

  for (const [title, args, message] of [
    ['a bad port', ['--udp', 'abc'], /--udp "abc": expected a port number 0\.\.65535/],
    ['a port too large', ['--http', '70000'], /--http "70000"/],
    ['an unknown option', ['--tcp', '1'], /unknown option --tcp/],
    ['an extra argument', ['--udp', '0', 'extra'], /unexpected argument "extra"/],
    ['a missing value', ['--http'], /option --http needs a value/],
  ] as const) {
    it(`exits 2 with one line for ${title}`, async () => {
      const result = await runCli(['listen', ...args]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /^prometheus-push-client: [^\n]+\n$/);
      assert.match(result.stderr, message);
    });
  }

  it('exits 1 with one line when the port is taken', async () => {
    const taken = await startListener({ httpPort: 0, onSample: () => undefined });
    try {
      const result = await runCli(['listen', '--http', String(taken.httpPort)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^prometheus-push-client: listen: .*EADDRINUSE.*\n$/);
    } finally {
      await taken.close();
    }
  });
});

describe('startListener (in-process)', { timeout: 30_000 }, () => {
  it('binds free ports, reports samples and closes', async () => {
    const samples: ReceivedSample[] = [];
    let arrived: () => void = () => undefined;
    const got = new Promise<void>((resolve) => (arrived = resolve));
    const listener = await startListener({
      udpPort: 0,
      httpPort: 0,
      onSample: (sample) => {
        samples.push(sample);
        if (samples.length === 2) arrived();
      },
    });
    assert.ok(listener.udpPort! > 0 && listener.httpPort! > 0);
    assert.equal(listener.addresses, `udp://127.0.0.1:${listener.udpPort} http://127.0.0.1:${listener.httpPort}`);
    await sendUdp(listener.udpPort!, [Buffer.from(',host=a cpu=0.5\n')]);
    const answer = await send(listener.httpPort!, 'POST', '/api/v2/write', 'mem,host=a used=3i\n');
    assert.equal(answer.status, 204);
    await got;
    await listener.close();
    await listener.close();
    assert.deepEqual(
      [...samples].sort((a, b) => a.via.localeCompare(b.via)).map((s) => [s.via, s.name, s.labels, s.value, s.type]),
      [
        ['http', 'mem_used', { host: 'a' }, 3, 'int'],
        ['udp', 'cpu', { host: 'a' }, 0.5, 'float'],
      ],
    );
  });

  it('refuses to start with neither port', async () => {
    await assert.rejects(startListener({ onSample: () => undefined }), { code: 'ERR_INVALID_ARG' });
  });
});
