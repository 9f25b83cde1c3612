// The UDP and HTTP presets on an in-memory transport: each wires the right encoder (exact bytes),
// payload limit, methods and pusher kind; options are validated with messages naming the preset,
// the option and the redacted value; VictoriaMetrics tenancy labels travel as ordinary tags.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Registry } from '../../src/registry.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { PushError } from '../../src/errors.js';
import { influxUdp } from '../../src/presets/influx-udp.js';
import { influxHttp } from '../../src/presets/influx-http.js';
import { statsdUdp } from '../../src/presets/statsd-udp.js';
import { openMetricsHttp } from '../../src/presets/openmetrics-http.js';
import { influxUdpStream } from '../../src/presets/influx-udp-stream.js';
import { statsdUdpStream } from '../../src/presets/statsd-udp-stream.js';
import { pushgateway } from '../../src/presets/pushgateway.js';
import { aggregationGateway } from '../../src/presets/aggregation-gateway.js';
import type { Pusher } from '../../src/push/pusher.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport } from '../../src/testing/memory-transport.js';
import { guardProcess, turn } from './push-helpers.js';

guardProcess();

function fixture() {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const jobs = new Counter({ name: 'jobs', help: 'Jobs', labelNames: ['kind'] as const, registry, clock });
  const temp = new Gauge({ name: 'temp', help: 'Temp', registry, clock });
  const transport = memoryTransport();
  const errors: PushError[] = [];
  const common = {
    registry,
    transport,
    clock,
    intervalMs: 1000,
    selfMetrics: false as const,
    onError: (e: PushError) => errors.push(e),
  };
  return { clock, registry, jobs, temp, transport, errors, common };
}

describe('presets: what each one sends', () => {
  it('influxUdp: VictoriaMetrics line protocol with exact names, on the interval', async () => {
    const { clock, jobs, temp, transport, common } = fixture();
    const pusher = influxUdp({ host: 'vm', port: 8089, ...common }).start();
    jobs.labels({ kind: 'a b' }).inc(3);
    temp.set(-2.5);
    await clock.advance(1000);
    assert.deepEqual(transport.texts(), [',kind=a\\ b jobs_total=3\n temp=-2.5\n']);
    await pusher.stop();
  });

  it('influxUdp: datagrams of at most maxPayloadBytes, lines never split', async () => {
    const { jobs, transport, common } = fixture();
    const pusher = influxUdp({ host: 'vm', port: 8089, maxPayloadBytes: 40, ...common });
    for (const kind of ['a', 'b', 'c']) jobs.labels({ kind }).inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), [
      ',kind=a jobs_total=1\n',
      ',kind=b jobs_total=1\n',
      ',kind=c jobs_total=1\n temp=0\n',
    ]);
    await pusher.stop();
  });

  it('influxUdp with flavor influxdb: measurement split at the last `_`', async () => {
    const { jobs, transport, common } = fixture();
    const pusher = influxUdp({ host: 'influx', port: 8089, flavor: 'influxdb', ...common });
    jobs.labels({ kind: 'a' }).inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), ['jobs,kind=a total=1\ntemp value=0\n']);
    await pusher.stop();
  });

  it('influxHttp: one body per push, method POST by default, PUT when asked', async () => {
    const { jobs, transport, common } = fixture();
    const pusher = influxHttp({ url: 'http://vm:8428/write', ...common });
    jobs.labels({ kind: 'a' }).inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), [',kind=a jobs_total=1\n temp=0\n']);
    // The transport was built with the method; no per-send override.
    assert.deepEqual(transport.sendOptions, [undefined]);
    await pusher.stop();
  });

  it('influxUdp/influxHttp: vm_account_id and vm_project_id travel as ordinary tags (VM cluster tenancy)', async () => {
    const { registry, jobs, transport, common } = fixture();
    registry.setDefaultLabels({ vm_account_id: 42, vm_project_id: 7 });
    const pusher = influxUdp({ host: 'vminsert', port: 8089, ...common });
    jobs.labels({ kind: 'a' }).inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), [
      ',kind=a,vm_account_id=42,vm_project_id=7 jobs_total=1\n,vm_account_id=42,vm_project_id=7 temp=0\n',
    ]);
    await pusher.stop();
  });

  it('statsdUdp: every sample a gauge with its cumulative value, dogstatsd tags by default', async () => {
    const { jobs, temp, transport, common } = fixture();
    const pusher = statsdUdp({ host: 'statsd', port: 8125, prefix: 'app.', ...common });
    jobs.labels({ kind: 'a' }).inc(2);
    temp.set(-3);
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), ['app.jobs_total:2|g|#kind:a\napp.temp:0|g\napp.temp:-3|g\n']);
    await pusher.stop();
  });

  it('statsdUdp: tagStyle influx', async () => {
    const { jobs, transport, common } = fixture();
    const pusher = statsdUdp({ host: 'statsd', port: 8125, tagStyle: 'influx', ...common });
    jobs.labels({ kind: 'a' }).inc(2);
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), ['jobs_total,kind=a:2|g\ntemp:0|g\n']);
    await pusher.stop();
  });

  it('openMetricsHttp: text 0.0.4 by default, OpenMetrics 1.0 with format openmetrics', async () => {
    const a = fixture();
    a.jobs.labels({ kind: 'a' }).inc();
    const prom = openMetricsHttp({ url: 'http://vm:8428/api/v1/import/prometheus', ...a.common });
    await prom.pushNow();
    assert.deepEqual(a.transport.texts(), [
      '# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total{kind="a"} 1\n# HELP temp Temp\n# TYPE temp gauge\ntemp 0\n',
    ]);
    await prom.stop();

    const b = fixture();
    b.jobs.labels({ kind: 'a' }).inc();
    const om = openMetricsHttp({ url: 'http://vm:8428/api/v1/import/prometheus', format: 'openmetrics', ...b.common });
    await om.pushNow();
    assert.deepEqual(b.transport.texts(), [
      '# TYPE jobs counter\n# HELP jobs Jobs\njobs_total{kind="a"} 1.0\n# TYPE temp gauge\n# HELP temp Temp\ntemp 0.0\n# EOF\n',
    ]);
    await om.stop();
  });

  it('influxUdpStream: each change of an event-loop turn, as the changed series only', async () => {
    const { jobs, temp, transport, common } = fixture();
    const pusher = influxUdpStream({ host: 'vm', port: 8089, ...common }).start();
    jobs.labels({ kind: 'a' }).inc();
    jobs.labels({ kind: 'a' }).inc();
    await turn();
    temp.set(4);
    await turn();
    assert.deepEqual(transport.texts(), [',kind=a jobs_total=2\n', ' temp=4\n']);
    await pusher.stop();
  });

  it('statsdUdpStream: native events, counters as summed deltas, observations as ms timers', async () => {
    const { clock, registry, jobs, transport, common } = fixture();
    const lat = new Histogram({ name: 'lat', unit: 'seconds', buckets: [1], registry, clock });
    const pusher = statsdUdpStream({ host: 'statsd', port: 8125, ...common }).start();
    jobs.labels({ kind: 'a' }).inc(2);
    jobs.labels({ kind: 'a' }).inc(3);
    lat.observe(0.25);
    lat.observe(1.5);
    await turn();
    assert.deepEqual(transport.texts(), ['jobs_total:5|c|#kind:a\nlat_seconds:250|ms\nlat_seconds:1500|ms\n']);
    await pusher.stop();
  });

  it('statsdUdpStream: histogramType h sends seconds as they are', async () => {
    const { clock, registry, transport, common } = fixture();
    const lat = new Histogram({ name: 'lat', unit: 'seconds', buckets: [1], registry, clock });
    const pusher = statsdUdpStream({ host: 'statsd', port: 8125, histogramType: 'h', ...common }).start();
    lat.observe(0.25);
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), ['lat_seconds:0.25|h\n']);
    await pusher.stop();
  });

  it('every preset returns a Pusher that is not started', () => {
    const { common } = fixture();
    const pushers: Pusher[] = [
      influxUdp({ host: 'h', port: 1, ...common }),
      influxHttp({ url: 'http://h/write', ...common }),
      statsdUdp({ host: 'h', port: 1, ...common }),
      openMetricsHttp({ url: 'http://h/import', ...common }),
      influxUdpStream({ host: 'h', port: 1, ...common }),
      statsdUdpStream({ host: 'h', port: 1, ...common }),
      pushgateway({ url: 'http://h', job: 'j', ...common }),
      aggregationGateway({ url: 'http://h/metrics', ...common }),
    ];
    for (const pusher of pushers) {
      assert.equal(pusher.running, false);
      assert.equal(pusher.target, 'memory://test');
    }
  });
});

describe('presets: option validation', () => {
  type Case = [name: string, create: () => unknown, message: RegExp];
  const cases: Case[] = [
    [
      'influxUdp without options',
      () => influxUdp(undefined as never),
      /^influxUdp: options must be an object, got undefined$/,
    ],
    [
      'influxUdp empty host',
      () => influxUdp({ host: '', port: 8089 }),
      /^influxUdp: host must be a non-empty string, got ""$/,
    ],
    [
      'influxUdp port 0',
      () => influxUdp({ host: 'h', port: 0 }),
      /^influxUdp: port must be an integer in 1\.\.65535, got 0$/,
    ],
    ['influxUdp port 65536', () => influxUdp({ host: 'h', port: 65_536 }), /got 65536$/],
    ['influxUdp port "8089"', () => influxUdp({ host: 'h', port: '8089' as never }), /got "8089"$/],
    [
      'influxUdp flavor',
      () => influxUdp({ host: 'h', port: 1, flavor: 'graphite' as never }),
      /^influxUdp: flavor must be "victoriametrics" or "influxdb", got "graphite"$/,
    ],
    [
      'influxUdp maxPayloadBytes',
      () => influxUdp({ host: 'h', port: 1, maxPayloadBytes: 1.5 }),
      /^influxUdp: maxPayloadBytes must be an integer >= 1, got 1\.5$/,
    ],
    [
      'influxUdp intervalMs',
      () => influxUdp({ host: 'h', port: 1, intervalMs: -1 }),
      /^influxUdp: intervalMs must be a finite number > 0, got -1$/,
    ],
    [
      'influxHttp url with a password',
      () => influxHttp({ url: 'mqtt://user:hunter2@vm/write?token=abc' }),
      /^influxHttp: url must be http: or https:, got "mqtt:\/\/vm\/write\?token=xxxxx"$/,
    ],
    [
      'influxHttp url missing',
      () => influxHttp({} as never),
      /^influxHttp: url must be a string or a URL, got undefined$/,
    ],
    [
      'influxHttp method',
      () => influxHttp({ url: 'http://vm/write', method: 'GET' as never }),
      /^influxHttp: method must be "POST" or "PUT", got "GET"$/,
    ],
    [
      'statsdUdp host',
      () => statsdUdp({ host: undefined as never, port: 1 }),
      /^statsdUdp: host must be a non-empty string/,
    ],
    [
      'statsdUdp tagStyle',
      () => statsdUdp({ host: 'h', port: 1, tagStyle: 'graphite' as never }),
      /^statsdUdp: tagStyle must be "dogstatsd" or "influx" or "librato" or "signalfx", got "graphite"$/,
    ],
    [
      'statsdUdp prefix',
      () => statsdUdp({ host: 'h', port: 1, prefix: 3 as never }),
      /^statsdUdp: prefix must be a string, got 3$/,
    ],
    [
      'openMetricsHttp format',
      () => openMetricsHttp({ url: 'http://vm/import', format: 'json' as never }),
      /^openMetricsHttp: format must be "prometheus" or "openmetrics", got "json"$/,
    ],
    [
      'openMetricsHttp url',
      () => openMetricsHttp({ url: 'http://u:p@[bad' }),
      /^openMetricsHttp: url is not a valid URL: "http:\/\/\[bad"$/,
    ],
    [
      'influxUdpStream port',
      () => influxUdpStream({ host: 'h', port: NaN }),
      /^influxUdpStream: port must be .*got NaN$/,
    ],
    [
      'statsdUdpStream histogramType',
      () => statsdUdpStream({ host: 'h', port: 1, histogramType: 'x' as never }),
      /^statsdUdpStream: histogramType must be "ms" or "h" or "d", got "x"$/,
    ],
    [
      'aggregationGateway url',
      () => aggregationGateway({ url: 'pag:80' }),
      /^aggregationGateway: url must be http: or https:/,
    ],
  ];
  for (const [name, create, message] of cases) {
    it(`${name}: InvalidArgumentError`, () => {
      assert.throws(create, (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.equal(error.code, 'ERR_INVALID_ARG');
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /hunter2|user:/);
        return true;
      });
    });
  }
});
