// aggregationGateway against a loopback server that adds up every accepted push the way
// prom-aggregation-gateway does (counters, histogram buckets, sums and counts, gauges; summary
// quantiles dropped). prom-aggregation-gateway itself is neither a Debian package nor on npm, so
// this stand-in is as close to the real thing as this machine gets.
//
// Two jobs push the six metric types several times, with pushes the gateway refuses in between:
// the gateway's totals must equal the sum of the two jobs' current values, exactly: nothing
// counted twice, nothing lost.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Summary } from '../../src/metrics/summary.js';
import { Info } from '../../src/metrics/info.js';
import { Enum } from '../../src/metrics/enum.js';
import { Registry } from '../../src/registry.js';
import type { PushError } from '../../src/errors.js';
import { aggregationGateway } from '../../src/presets/aggregation-gateway.js';
import { startRecordingServer } from './support/loopback.js';
import type { HttpServerHandle, ReceivedRequest, Reply } from './support/loopback.js';
import { watchProcess } from './support/guards.js';

/** A summing gateway: sample line (name + labels) → total of accepted pushes. */
class SummingGateway {
  readonly totals = new Map<string, number>();
  /** Requests to this URL are refused as a whole (400), as PAG refuses a body it cannot parse. */
  refuse: string | undefined = undefined;

  handle(request: ReceivedRequest): Reply {
    if (request.url === this.refuse) return { status: 400, body: 'refused on purpose' };
    for (const line of request.body.toString('utf8').split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      const key = canonical(line.slice(0, i));
      // PAG drops summary quantiles; none should arrive anyway.
      if (key.includes('quantile=')) throw new Error(`quantile pushed: ${line}`);
      this.totals.set(key, (this.totals.get(key) ?? 0) + Number(line.slice(i + 1)));
    }
    return { status: 202 };
  }

  /** Totals without the zero entries, sorted by key. */
  nonZero(): [string, number][] {
    return [...this.totals].filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
  }
}

/** `name{labels}` with the labels sorted: a parsing gateway does not care about their order. */
function canonical(series: string): string {
  const open = series.indexOf('{');
  if (open === -1) return series;
  const pairs = [...series.slice(open + 1, -1).matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => m[0]);
  return `${series.slice(0, open)}{${pairs.sort().join(',')}}`;
}

function job(name: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ region: 'eu' });
  return {
    name,
    registry,
    requests: new Counter({ name: 'requests', labelNames: ['code'] as const, registry }),
    inflight: new Gauge({ name: 'inflight', registry }),
    latency: new Histogram({ name: 'latency', unit: 'seconds', buckets: [0.1, 1], registry }),
    size: new Summary({ name: 'size', unit: 'bytes', percentiles: [0.5, 0.9], registry }),
    build: new Info({ name: 'build', registry }),
    phase: new Enum({ name: 'phase', states: ['init', 'work', 'done'], registry }),
  };
}

describe('aggregationGateway against a summing gateway', () => {
  let server: HttpServerHandle;
  const gateway = new SummingGateway();
  let watch: ReturnType<typeof watchProcess>;

  before(async () => {
    watch = watchProcess();
    server = await startRecordingServer((request) => gateway.handle(request));
  });
  after(async () => {
    await server.close();
    watch.stop();
    assert.deepEqual(watch.escaped, []);
  });

  it('two jobs, several pushes, refused pushes in between: totals are the sum of current values', async () => {
    const errors: PushError[] = [];
    const a = job('a');
    const b = job('b');
    // The query string only tells the two jobs apart for `refuse`.
    const pusher = (j: ReturnType<typeof job>) =>
      aggregationGateway({
        url: `${server.origin}/metrics?from=${j.name}`,
        registry: j.registry,
        selfMetrics: false,
        onError: (e) => errors.push(e),
      });
    const pa = pusher(a);
    const pb = pusher(b);

    const results = await Promise.all([
      pa.run(async () => {
        a.build.info({ version: '1.0' });
        a.phase.state('init');
        a.requests.labels({ code: '200' }).inc(3);
        a.inflight.set(2);
        a.latency.observe(0.05);
        a.size.observe(100);
        await pa.pushNow();

        a.phase.state('work');
        a.requests.labels({ code: '200' }).inc(4);
        a.requests.labels({ code: '500' }).inc();
        a.inflight.set(5);
        a.latency.observe(0.5);
        a.size.observe(300);
        gateway.refuse = '/metrics?from=a';
        await assert.rejects(pa.pushNow(), { code: 'ERR_HTTP_STATUS', status: 400 });
        gateway.refuse = undefined;

        a.requests.labels({ code: '200' }).inc(1);
        a.inflight.dec(4);
        a.latency.observe(2);
        a.build.info({ version: '1.1' });
        a.phase.state('done');
        return 'a finished';
      }),
      pb.run(async () => {
        b.build.info({ version: '1.0' });
        b.phase.state('work');
        b.requests.labels({ code: '200' }).inc(10);
        b.inflight.set(3);
        b.latency.observe(0.5);
        b.size.observe(50);
        await pb.pushNow();
        b.requests.labels({ code: '200' }).inc(5);
        b.size.observe(150);
        return 'b finished';
      }),
    ]);
    assert.deepEqual(results, ['a finished', 'b finished']);
    assert.deepEqual(errors, [], 'the refused push was pushNow()’s, not the timer’s');
    await Promise.all([pa.stop(), pb.stop()]);

    // a: requests{200} 8, {500} 1, inflight 1, latency [0.05, 0.5, 2], size [100, 300], v1.1, done.
    // b: requests{200} 15, inflight 3, latency [0.5], size [50, 150], v1.0, work.
    const r = 'region="eu"';
    assert.deepEqual(gateway.nonZero(), [
      [`build_info{${r},version="1.0"}`, 1],
      [`build_info{${r},version="1.1"}`, 1],
      [`inflight{${r}}`, 4],
      [`latency_seconds_bucket{le="+Inf",${r}}`, 4],
      [`latency_seconds_bucket{le="0.1",${r}}`, 1],
      [`latency_seconds_bucket{le="1.0",${r}}`, 3],
      [`latency_seconds_count{${r}}`, 4],
      [`latency_seconds_sum{${r}}`, 3.05],
      [`phase{phase="done",${r}}`, 1],
      [`phase{phase="work",${r}}`, 1],
      [`requests_total{code="200",${r}}`, 23],
      [`requests_total{code="500",${r}}`, 1],
      [`size_bytes_count{${r}}`, 4],
      [`size_bytes_sum{${r}}`, 600],
    ]);
  });
});
