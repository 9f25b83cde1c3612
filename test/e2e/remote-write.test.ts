// Remote write 1.0 into real receivers: Prometheus 2.42 (--web.enable-remote-write-receiver) and
// VictoriaMetrics 1.79 (/api/v1/write), through remoteWriteEncoder + httpTransport, read back
// exactly: the fixture snapshot (every metric type, nasty label values), requests split by series
// count, non-finite values, Prometheus' all-or-nothing rejection, and prom-client via the bridge.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { fromPromClient } from '../../src/bridge/prom-client.js';
import { remoteWriteEncoder } from '../../src/encoding/remote-write.js';
import type { RemoteWriteEncoder } from '../../src/encoding/remote-write.js';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { Registry } from '../../src/registry.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { httpTransport } from '../../src/transport/http.js';
import type { SendResult } from '../../src/transport/transport.js';
import { expectedSamples, fixtureSnapshot, sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';
import { startPrometheus } from './harness/prometheus.js';
import type { PromSample } from './harness/prometheus.js';
import { requireServer } from './harness/require-server.js';
import { startVictoriaMetrics } from './harness/victoria-metrics.js';
import { useServer } from './harness/use-server.js';

/** Whole seconds in ms, so Prometheus instant queries can name the sample's own time. */
const T = Math.floor(Date.now() / 1000) * 1000;

/** Encodes and sends every payload with the spec headers; returns each send's result. */
async function push(url: string, encoder: RemoteWriteEncoder, snapshot: Snapshot): Promise<SendResult[]> {
  const transport = httpTransport({
    url: `${url}/api/v1/write`,
    contentType: encoder.contentType,
    headers: encoder.headers,
    retryOn5xx: true,
  });
  try {
    const results: SendResult[] = [];
    for (const payload of encoder.encode(snapshot)) results.push(await transport.send(payload));
    return results;
  } finally {
    await transport.close();
  }
}

async function pushOk(url: string, encoder: RemoteWriteEncoder, snapshot: Snapshot): Promise<number> {
  const results = await push(url, encoder, snapshot);
  for (const result of results) assert.ok(result.ok, result.ok ? '' : result.error.message);
  return results.length;
}

/** Prometheus renders non-finite values as `+Inf`, `-Inf`, `NaN`. */
function promValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

function fromProm(samples: readonly PromSample[], timeSec: number): Sample[] {
  return sortSamples(
    samples.map((s) => {
      assert.equal(s.value[0], timeSec);
      return { metric: s.metric, value: promValue(s.value[1]) };
    }),
  );
}

const promSkip = requireServer('prometheus');

describe('remote write into Prometheus 2.42', { skip: promSkip }, () => {
  const server = useServer('Prometheus', startPrometheus);

  it('stores every sample of the fixture exactly, at the snapshot time', async () => {
    assert.equal(await pushOk(server().url, remoteWriteEncoder(), fixtureSnapshot('e2e_rw_p', T)), 1);
    const got = await server().query('{__name__=~"e2e_rw_p_.*"}', T / 1000);
    assert.deepEqual(fromProm(got, T / 1000), expectedSamples('e2e_rw_p'));
  });

  it('takes a snapshot split into several requests', async () => {
    const sent = await pushOk(
      server().url,
      remoteWriteEncoder({ maxSeriesPerRequest: 4 }),
      fixtureSnapshot('e2e_rw_ps', T),
    );
    assert.equal(sent, Math.ceil(expectedSamples('e2e_rw_ps').length / 4));
    const got = await server().query('{__name__=~"e2e_rw_ps_.*"}', T / 1000);
    assert.deepEqual(fromProm(got, T / 1000), expectedSamples('e2e_rw_ps'));
  });

  it('stores NaN and ±Inf as they are', async () => {
    const snapshot: Snapshot = {
      timestampMs: T,
      defaultLabelNames: [],
      defaultLabelValues: [],
      families: [
        {
          type: 'summary',
          name: 'e2e_rw_pnf_idle',
          help: '',
          unit: '',
          labelNames: [],
          quantiles: [0.5],
          series: [{ labelValues: [], quantileValues: [NaN], sum: 0, count: 0, created: 0 }],
        },
        {
          type: 'gauge',
          name: 'e2e_rw_pnf_g',
          help: '',
          unit: '',
          labelNames: ['v'],
          series: [
            { labelValues: ['pos'], value: Infinity },
            { labelValues: ['neg'], value: -Infinity },
          ],
        },
      ],
    };
    await pushOk(server().url, remoteWriteEncoder(), snapshot);
    const got = await server().query('{__name__=~"e2e_rw_pnf_.*"}', T / 1000);
    const by = new Map(got.map((s) => [JSON.stringify(s.metric), s.value[1]]));
    assert.equal(by.get(JSON.stringify({ __name__: 'e2e_rw_pnf_idle', quantile: '0.5' })), 'NaN');
    assert.equal(by.get(JSON.stringify({ __name__: 'e2e_rw_pnf_idle_sum' })), '0');
    assert.equal(by.get(JSON.stringify({ __name__: 'e2e_rw_pnf_g', v: 'pos' })), '+Inf');
    assert.equal(by.get(JSON.stringify({ __name__: 'e2e_rw_pnf_g', v: 'neg' })), '-Inf');
  });

  it('follows a registry across pushes; an out-of-order request fails whole with a non-retryable 400', async () => {
    const clock = new FakeClock({ now: T });
    const registry = new Registry({ clock });
    const jobs = new Counter({ name: 'e2e_rw_pr_jobs', help: 'h', labelNames: ['queue'] as const, registry });
    const depth = new Gauge({ name: 'e2e_rw_pr_depth', help: 'h', registry });
    jobs.labels({ queue: 'mail' }).inc(2);
    depth.set(5);
    const encoder = remoteWriteEncoder();
    await pushOk(server().url, encoder, registry.collect());
    await clock.advance(15_000);
    jobs.labels({ queue: 'mail' }).inc();
    depth.set(4);
    await pushOk(server().url, encoder, registry.collect());
    const t2 = (T + 15_000) / 1000;
    assert.deepEqual(fromProm(await server().query('{__name__=~"e2e_rw_pr_.*"}', t2), t2), [
      { metric: { __name__: 'e2e_rw_pr_depth' }, value: 4 },
      { metric: { __name__: 'e2e_rw_pr_jobs_total', queue: 'mail' }, value: 3 },
    ]);

    // Stamped before the newest samples, with one brand-new series in the same request.
    jobs.labels({ queue: 'fresh' }).inc();
    const [result, ...rest] = await push(
      server().url,
      remoteWriteEncoder({ timestampMs: () => T + 5000 }),
      registry.collect(),
    );
    assert.equal(rest.length, 0);
    assert.ok(result && !result.ok, 'expected a rejection');
    assert.equal(result.retryable, false);
    assert.equal(result.error.code, 'ERR_HTTP_STATUS');
    assert.match(result.error.message, /HTTP 400.*out of order sample/);
    const fresh = await server().query('e2e_rw_pr_jobs_total{queue="fresh"}', (T + 5000) / 1000);
    assert.deepEqual(fresh, [], 'nothing of the refused request was stored');
  });

  it('pushes a prom-client registry through the bridge', async () => {
    const r = new client.Registry();
    r.setDefaultLabels({ app: 'legacy' });
    new client.Counter({ name: 'e2e_rw_pc_jobs_total', help: 'h', labelNames: ['q'], registers: [r] }).inc(
      { q: 'a' },
      4,
    );
    new client.Gauge({ name: 'e2e_rw_pc_temp', help: 'h', registers: [r] }).set(-3.5);
    const h = new client.Histogram({ name: 'e2e_rw_pc_lat', help: 'h', buckets: [0.5, 1], registers: [r] });
    for (const v of [0.25, 0.75, 2]) h.observe(v);
    const s = new client.Summary({ name: 'e2e_rw_pc_size', help: 'h', percentiles: [0.5], registers: [r] });
    for (const v of [1, 2, 3]) s.observe(v);
    const snapshot = await fromPromClient(r, { clock: new FakeClock({ now: T }) }).collect();
    await pushOk(server().url, remoteWriteEncoder(), snapshot);
    const got = await server().query('{__name__=~"e2e_rw_pc_.*"}', T / 1000);
    const app = { app: 'legacy' };
    assert.deepEqual(
      fromProm(got, T / 1000),
      sortSamples([
        { metric: { __name__: 'e2e_rw_pc_jobs_total', q: 'a', ...app }, value: 4 },
        { metric: { __name__: 'e2e_rw_pc_temp', ...app }, value: -3.5 },
        { metric: { __name__: 'e2e_rw_pc_lat_bucket', le: '0.5', ...app }, value: 1 },
        { metric: { __name__: 'e2e_rw_pc_lat_bucket', le: '1.0', ...app }, value: 2 },
        { metric: { __name__: 'e2e_rw_pc_lat_bucket', le: '+Inf', ...app }, value: 3 },
        { metric: { __name__: 'e2e_rw_pc_lat_sum', ...app }, value: 3 },
        { metric: { __name__: 'e2e_rw_pc_lat_count', ...app }, value: 3 },
        { metric: { __name__: 'e2e_rw_pc_size', quantile: '0.5', ...app }, value: 2 },
        { metric: { __name__: 'e2e_rw_pc_size_sum', ...app }, value: 6 },
        { metric: { __name__: 'e2e_rw_pc_size_count', ...app }, value: 3 },
      ]),
    );
  });
});

const vmSkip = requireServer('victoria-metrics');

describe('remote write into VictoriaMetrics 1.79', { skip: vmSkip }, () => {
  const server = useServer('VictoriaMetrics', startVictoriaMetrics);

  /** One sample per series, each at `ts`. */
  async function exported(match: string, ts: number): Promise<Sample[]> {
    await server().sync();
    const series = await server().export(match);
    return sortSamples(
      series.map((s) => {
        assert.deepEqual(s.timestamps, [ts], JSON.stringify(s.metric));
        return { metric: s.metric, value: s.values[0] ?? NaN };
      }),
    );
  }

  it('stores every sample of the fixture exactly, at the snapshot time', async () => {
    await pushOk(server().url, remoteWriteEncoder(), fixtureSnapshot('e2e_rw_v', T));
    assert.deepEqual(await exported('{__name__=~"e2e_rw_v_.*"}', T), expectedSamples('e2e_rw_v'));
  });

  it('takes a snapshot split into several requests', async () => {
    const sent = await pushOk(
      server().url,
      remoteWriteEncoder({ maxSeriesPerRequest: 5 }),
      fixtureSnapshot('e2e_rw_vs', T),
    );
    assert.ok(sent > 1);
    assert.deepEqual(await exported('{__name__=~"e2e_rw_vs_.*"}', T), expectedSamples('e2e_rw_vs'));
  });

  it('takes 10 000 series in two requests', async () => {
    const registry = new Registry({ clock: new FakeClock({ now: T }) });
    const g = new Gauge({ name: 'e2e_rw_vbig', help: 'h', labelNames: ['i'] as const, registry });
    for (let i = 0; i < 10_000; i++) g.labels({ i: String(i) }).set(i);
    assert.equal(await pushOk(server().url, remoteWriteEncoder(), registry.collect()), 2);
    const got = await exported('e2e_rw_vbig', T);
    assert.equal(got.length, 10_000);
    for (const s of got) assert.equal(String(s.value), s.metric['i']);
  });
});
