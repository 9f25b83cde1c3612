// The aggregationGateway preset on an in-memory transport: what each push carries is the change
// since the last ACCEPTED push, for every metric type, across a failed push, a counter reset and
// removed series; and the sum of the accepted pushes is always the registry's current state.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Summary } from '../../src/metrics/summary.js';
import { Info } from '../../src/metrics/info.js';
import { Enum } from '../../src/metrics/enum.js';
import { Registry } from '../../src/registry.js';
import { HttpStatusError, InvalidArgumentError } from '../../src/errors.js';
import type { PushError } from '../../src/errors.js';
import { aggregationGateway } from '../../src/presets/aggregation-gateway.js';
import type { AggregationGatewayOptions } from '../../src/presets/aggregation-gateway.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport, sendFailed, sendOk } from '../../src/testing/memory-transport.js';
import type { SendResult } from '../../src/transport/transport.js';
import { guardProcess } from './push-helpers.js';

guardProcess();

const busy = sendFailed(new HttpStatusError(503, 'busy', { target: 'memory://pag' }), true);

function setup(
  results: (index: number) => SendResult = () => sendOk,
  overrides: Partial<AggregationGatewayOptions> = {},
) {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const transport = memoryTransport({ target: 'memory://pag', results: (_payload, index) => results(index) });
  const errors: PushError[] = [];
  const pusher = aggregationGateway({
    url: 'http://pag:80/metrics',
    registry,
    transport,
    clock,
    intervalMs: 1000,
    selfMetrics: false,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  const m = {
    jobs: new Counter({ name: 'jobs', help: 'Jobs', labelNames: ['kind'] as const, registry, clock }),
    lat: new Histogram({ name: 'lat', help: 'Latency', buckets: [1, 2], registry, clock }),
    size: new Summary({ name: 'size', help: 'Size', percentiles: [0.5], registry, clock }),
    inflight: new Gauge({ name: 'inflight', help: 'In flight', labelNames: ['queue'] as const, registry, clock }),
    build: new Info({ name: 'build', help: 'Build', registry, clock }),
    phase: new Enum({ name: 'phase', help: 'Phase', states: ['start', 'run', 'done'], registry, clock }),
  };
  return { clock, registry, transport, errors, pusher, m };
}

/** The sample lines of a text 0.0.4 body (HELP/TYPE dropped), in order. */
const samples = (text: string | undefined): string[] =>
  (text ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

/** What a summing gateway holds after adding up these bodies: sample → total. */
function summed(bodies: readonly string[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const body of bodies) {
    for (const line of samples(body)) {
      const i = line.lastIndexOf(' ');
      const key = line.slice(0, i);
      totals.set(key, (totals.get(key) ?? 0) + Number(line.slice(i + 1)));
    }
  }
  return totals;
}

describe('aggregationGateway: deltas since the last accepted push', () => {
  it('sends full values first, then only changes; a failed push is re-sent as a bigger delta', async () => {
    const { clock, transport, errors, pusher, m } = setup((index) => (index === 1 ? busy : sendOk));
    pusher.start();

    // Push 1 (accepted): everything as it is, the summary without quantiles.
    m.jobs.labels({ kind: 'a' }).inc(3);
    m.lat.observe(0.5);
    m.lat.observe(1.5);
    m.size.observe(10);
    m.inflight.labels({ queue: 'q1' }).set(5);
    m.build.info({ version: '1.0' });
    m.phase.state('start');
    await clock.advance(1000);
    assert.deepEqual(samples(transport.texts()[0]), [
      'jobs_total{kind="a"} 3',
      'lat_bucket{le="1.0"} 1',
      'lat_bucket{le="2.0"} 2',
      'lat_bucket{le="+Inf"} 2',
      'lat_sum 2',
      'lat_count 2',
      'size_sum 10',
      'size_count 1',
      'inflight{queue="q1"} 5',
      'build_info{version="1.0"} 1',
      'phase{phase="start"} 1',
      'phase{phase="run"} 0',
      'phase{phase="done"} 0',
    ]);

    // Push 2 (refused with 503): the changes since push 1.
    m.jobs.labels({ kind: 'a' }).inc(2);
    m.lat.observe(3);
    m.size.observe(20);
    m.inflight.labels({ queue: 'q1' }).set(7);
    m.phase.state('run');
    await clock.advance(1000);
    assert.deepEqual(samples(transport.texts()[1]), [
      'jobs_total{kind="a"} 2',
      'lat_bucket{le="1.0"} 0',
      'lat_bucket{le="2.0"} 0',
      'lat_bucket{le="+Inf"} 1',
      'lat_sum 3',
      'lat_count 1',
      'size_sum 20',
      'size_count 1',
      'inflight{queue="q1"} 2',
      'build_info{version="1.0"} 0',
      'phase{phase="start"} -1',
      'phase{phase="run"} 1',
      'phase{phase="done"} 0',
    ]);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_HTTP_STATUS'],
    );

    // Push 3 (accepted): still measured from push 1, so push 2's changes are in it, once.
    m.jobs.labels({ kind: 'a' }).inc(1);
    m.jobs.labels({ kind: 'b' }).inc(4);
    m.inflight.labels({ queue: 'q1' }).set(4);
    m.build.info({ version: '2.0' });
    await clock.advance(1000);
    assert.deepEqual(samples(transport.texts()[2]), [
      'jobs_total{kind="a"} 3',
      'jobs_total{kind="b"} 4',
      'lat_bucket{le="1.0"} 0',
      'lat_bucket{le="2.0"} 0',
      'lat_bucket{le="+Inf"} 1',
      'lat_sum 3',
      'lat_count 1',
      'size_sum 20',
      'size_count 1',
      'inflight{queue="q1"} -1',
      'build_info{version="2.0"} 1',
      'build_info{version="1.0"} -1',
      'phase{phase="start"} -1',
      'phase{phase="run"} 1',
      'phase{phase="done"} 0',
    ]);

    // Push 4 (accepted): nothing changed, every delta is 0.
    await clock.advance(1000);
    assert.deepEqual(samples(transport.texts()[3]), [
      'jobs_total{kind="a"} 0',
      'jobs_total{kind="b"} 0',
      'lat_bucket{le="1.0"} 0',
      'lat_bucket{le="2.0"} 0',
      'lat_bucket{le="+Inf"} 0',
      'lat_sum 0',
      'lat_count 0',
      'size_sum 0',
      'size_count 0',
      'inflight{queue="q1"} 0',
      'build_info{version="2.0"} 0',
      'phase{phase="start"} 0',
      'phase{phase="run"} 0',
      'phase{phase="done"} 0',
    ]);

    // A gateway that adds up the ACCEPTED pushes holds exactly the registry's current state.
    const accepted = transport.texts().filter((_, i) => i !== 1);
    assert.deepEqual(
      [...summed(accepted)].filter(([, v]) => v !== 0),
      [
        ['jobs_total{kind="a"}', 6],
        ['lat_bucket{le="1.0"}', 1],
        ['lat_bucket{le="2.0"}', 2],
        ['lat_bucket{le="+Inf"}', 3],
        ['lat_sum', 5],
        ['lat_count', 3],
        ['size_sum', 30],
        ['size_count', 2],
        ['inflight{queue="q1"}', 4],
        ['phase{phase="run"}', 1],
        ['jobs_total{kind="b"}', 4],
        ['build_info{version="2.0"}', 1],
      ],
    );
    await pusher.stop();
  });

  it('keeps TYPE lines of the original types (counter, histogram, summary; gauges for info and enum)', async () => {
    const { transport, pusher, m } = setup();
    m.jobs.labels({ kind: 'a' }).inc();
    m.lat.observe(1);
    m.size.observe(1);
    m.inflight.labels({ queue: 'q' }).set(1);
    m.build.info({ v: '1' });
    await pusher.pushNow();
    const types = (transport.texts()[0] ?? '').split('\n').filter((l) => l.startsWith('# TYPE'));
    assert.deepEqual(types, [
      '# TYPE jobs_total counter',
      '# TYPE lat histogram',
      '# TYPE size summary',
      '# TYPE inflight gauge',
      '# TYPE build_info gauge',
      '# TYPE phase gauge',
    ]);
    await pusher.stop();
  });

  it('treats a counter below its baseline (reset) as a restart from zero', async () => {
    const { transport, pusher, m } = setup();
    m.jobs.labels({ kind: 'a' }).inc(10);
    await pusher.pushNow();
    m.jobs.reset();
    m.jobs.labels({ kind: 'a' }).inc(4);
    await pusher.pushNow();
    assert.deepEqual(
      samples(transport.texts()[1]).filter((l) => l.startsWith('jobs')),
      ['jobs_total{kind="a"} 4'],
    );
    await pusher.stop();
  });

  it('retracts a removed gauge series and a gauge metric that was unregistered', async () => {
    const { registry, transport, pusher, m } = setup();
    m.inflight.labels({ queue: 'q1' }).set(3);
    m.inflight.labels({ queue: 'q2' }).set(2);
    registry.unregister(m.phase);
    const temp = new Gauge({ name: 'temp', help: 'T', registry });
    temp.set(-1.5);
    await pusher.pushNow();
    m.inflight.remove({ queue: 'q1' });
    registry.unregister(temp);
    await pusher.pushNow();
    const lines = samples(transport.texts()[1]);
    assert.deepEqual(
      lines.filter((l) => l.startsWith('inflight') || l.startsWith('temp')),
      ['inflight{queue="q2"} 0', 'inflight{queue="q1"} -3', 'temp 1.5'],
    );
    await pusher.stop();
  });

  it("with gauges: 'omit' sends no gauge, info or enum at all", async () => {
    const { transport, pusher, m } = setup(undefined, { gauges: 'omit' });
    m.jobs.labels({ kind: 'a' }).inc();
    m.inflight.labels({ queue: 'q' }).set(1);
    m.build.info({ v: '1' });
    m.phase.state('run');
    await pusher.pushNow();
    // Metrics without labels exist from creation, so the histogram and the summary show at 0.
    assert.deepEqual(samples(transport.texts()[0]), [
      'jobs_total{kind="a"} 1',
      'lat_bucket{le="1.0"} 0',
      'lat_bucket{le="2.0"} 0',
      'lat_bucket{le="+Inf"} 0',
      'lat_sum 0',
      'lat_count 0',
      'size_sum 0',
      'size_count 0',
    ]);
    await pusher.stop();
  });

  it('POSTs to url as given, and the final push of stop() carries the last delta', async () => {
    const { transport, pusher, m } = setup();
    pusher.start();
    m.jobs.labels({ kind: 'a' }).inc(2);
    await pusher.stop();
    assert.deepEqual(
      transport.sendOptions.map((o) => o?.method ?? 'transport default'),
      ['transport default'],
    );
    assert.deepEqual(samples(transport.texts()[0]).slice(0, 1), ['jobs_total{kind="a"} 2']);
  });

  it('validates its options', () => {
    assert.throws(
      () => aggregationGateway({ url: 'http://pag/metrics', gauges: 'sum' as 'omit' }),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.message === 'aggregationGateway: gauges must be "delta" or "omit", got "sum"',
    );
    assert.throws(
      () => aggregationGateway({ url: 'http://pag/metrics', method: 'DELETE' as 'PUT' }),
      /aggregationGateway: method must be "POST" or "PUT", got "DELETE"/,
    );
  });
});
