// The prom-client bridge against real prom-client 15 registries: exact families for every type,
// the merge with a registry of ours, and the end-to-end check that remote write carries the
// same samples as prom-client's own text exposition.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { fromPromClient, promClientToFamilies } from '../../src/bridge/prom-client.js';
import type { PromClientMetric } from '../../src/bridge/prom-client.js';
import { remoteWriteEncoder } from '../../src/encoding/remote-write.js';
import { Counter } from '../../src/metrics/counter.js';
import type { MetricFamily } from '../../src/model/snapshot.js';
import { Registry } from '../../src/registry.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { decodePayloads, flatten } from './remote-write-decode.js';

function promRegistry(): client.Registry {
  return new client.Registry();
}

async function families(register: client.Registry): Promise<MetricFamily[]> {
  return promClientToFamilies(await register.getMetricsAsJSON());
}

describe('promClientToFamilies', () => {
  it('converts counters: `_total` dropped (our encoders add it), labels as the union, defaults included', async () => {
    const r = promRegistry();
    r.setDefaultLabels({ app: 'billing' });
    const jobs = new client.Counter({
      name: 'jobs_total',
      help: 'Jobs.',
      labelNames: ['queue', 'app'],
      registers: [r],
    });
    jobs.inc({ queue: 'mail' }, 2);
    jobs.inc({ queue: 'sms', app: 'own' });
    new client.Counter({ name: 'retries', help: 'Retries.', registers: [r] }).inc(3);
    assert.deepEqual(await families(r), [
      {
        type: 'counter',
        name: 'jobs',
        help: 'Jobs.',
        unit: '',
        labelNames: ['queue', 'app'],
        series: [
          { labelValues: ['mail', 'billing'], value: 2, created: 0 },
          { labelValues: ['sms', 'own'], value: 1, created: 0 },
        ],
      },
      {
        type: 'counter',
        name: 'retries',
        help: 'Retries.',
        unit: '',
        labelNames: ['app'],
        series: [{ labelValues: ['billing'], value: 3, created: 0 }],
      },
    ]);
  });

  it('converts gauges: NaN kept, a label a series lacks is empty, numbers stringified, async collect awaited', async () => {
    const r = promRegistry();
    const g = new client.Gauge({ name: 'temp', help: 'T.', labelNames: ['room', 'floor'], registers: [r] });
    g.set({ room: 'kitchen', floor: 1 }, -2.5);
    g.set({ room: 'attic' }, NaN);
    new client.Gauge({
      name: 'queue_depth',
      help: 'Q.',
      registers: [r],
      async collect() {
        await new Promise((resolve) => setImmediate(resolve));
        this.set(7);
      },
    });
    assert.deepEqual(await families(r), [
      {
        type: 'gauge',
        name: 'temp',
        help: 'T.',
        unit: '',
        labelNames: ['room', 'floor'],
        series: [
          { labelValues: ['kitchen', '1'], value: -2.5 },
          { labelValues: ['attic', ''], value: NaN },
        ],
      },
      {
        type: 'gauge',
        name: 'queue_depth',
        help: 'Q.',
        unit: '',
        labelNames: [],
        series: [{ labelValues: [], value: 7 }],
      },
    ]);
  });

  it('converts histograms: series by labels without `le`, cumulative buckets, +Inf = count', async () => {
    const r = promRegistry();
    r.setDefaultLabels({ env: 'prod' });
    const h = new client.Histogram({
      name: 'latency_seconds',
      help: 'L.',
      buckets: [0.1, 1, 10],
      labelNames: ['op'],
      registers: [r],
    });
    for (const v of [0.05, 0.5, 0.5, 20]) h.observe({ op: 'read' }, v);
    h.observe({ op: 'write' }, 2);
    new client.Histogram({ name: 'idle_seconds', help: 'I.', buckets: [1], registers: [r] });
    assert.deepEqual(await families(r), [
      {
        type: 'histogram',
        name: 'latency_seconds',
        help: 'L.',
        unit: '',
        labelNames: ['op', 'env'],
        upperBounds: [0.1, 1, 10],
        series: [
          { labelValues: ['read', 'prod'], bucketCounts: [1, 3, 3, 4], sum: 21.05, count: 4, created: 0 },
          { labelValues: ['write', 'prod'], bucketCounts: [0, 0, 1, 1], sum: 2, count: 1, created: 0 },
        ],
      },
      {
        type: 'histogram',
        name: 'idle_seconds',
        help: 'I.',
        unit: '',
        labelNames: ['env'],
        upperBounds: [1],
        series: [{ labelValues: ['prod'], bucketCounts: [0, 0], sum: 0, count: 0, created: 0 }],
      },
    ]);
  });

  it('converts summaries: quantiles sorted, sum and count; a labelled summary with no series stays empty', async () => {
    const r = promRegistry();
    const s = new client.Summary({ name: 'size_bytes', help: 'S.', percentiles: [0.9, 0.5], registers: [r] });
    for (const v of [1, 2, 3]) s.observe(v);
    new client.Summary({ name: 'unused', help: 'U.', percentiles: [0.5], labelNames: ['x'], registers: [r] });
    const [size, unused] = await families(r);
    assert.deepEqual(unused, {
      type: 'summary',
      name: 'unused',
      help: 'U.',
      unit: '',
      labelNames: [],
      quantiles: [],
      series: [],
    });
    assert.ok(size?.type === 'summary');
    assert.deepEqual(size.quantiles, [0.5, 0.9]);
    assert.equal(size.series.length, 1);
    const [series] = size.series;
    assert.deepEqual(series?.labelValues, []);
    assert.equal(series.sum, 6);
    assert.equal(series.count, 3);
    // The same estimates prom-client exposes (its t-digest), in our ascending order.
    const json = await r.getMetricsAsJSON();
    const q = (p: number): number =>
      json[0]?.values.find((v) => (v.labels as Record<string, unknown>)['quantile'] === p)?.value ?? NaN;
    assert.deepEqual(series.quantileValues, [q(0.5), q(0.9)]);
  });

  it('accepts the numeric MetricType of prom-client’s typings, and keeps unknown types as gauges', () => {
    const metrics: PromClientMetric[] = [
      { name: 'a_total', help: 'h', type: 0, values: [{ value: 1, labels: {} }] },
      {
        name: 'odd',
        type: 'untyped',
        values: [
          { value: 1, labels: { k: 'v' } },
          { value: 2, labels: {}, metricName: 'odd_extra' },
        ],
      },
    ];
    assert.deepEqual(promClientToFamilies(metrics), [
      {
        type: 'counter',
        name: 'a',
        help: 'h',
        unit: '',
        labelNames: [],
        series: [{ labelValues: [], value: 1, created: 0 }],
      },
      { type: 'gauge', name: 'odd', help: '', unit: '', labelNames: ['k'], series: [{ labelValues: ['v'], value: 1 }] },
      { type: 'gauge', name: 'odd_extra', help: '', unit: '', labelNames: [], series: [{ labelValues: [], value: 2 }] },
    ]);
  });
});

/** `name{a="x",b="y"} value` lines of a text exposition → { labels with __name__, value }, sorted. */
function parseText(text: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, line);
    const labels: Record<string, string> = { __name__: m[1]! };
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[k!] = v!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    out.push({ labels, value: m[3] === 'Nan' ? NaN : Number(m[3]) });
  }
  return sortByKey(out);
}

function sortByKey<T extends { labels: Record<string, string> }>(samples: T[]): T[] {
  const key = (s: T): string => JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
  return samples.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

describe('fromPromClient', () => {
  it('remote write carries what prom-client’s own exposition shows (le in canonical form)', async () => {
    const r = promRegistry();
    r.setDefaultLabels({ instance: 'job-7' });
    const c = new client.Counter({ name: 'jobs_total', help: 'h', labelNames: ['queue'], registers: [r] });
    c.inc({ queue: 'a "quoted"\\ value' }, 5);
    new client.Gauge({ name: 'temp', help: 'h', registers: [r] }).set(-1.25);
    const h = new client.Histogram({ name: 'lat', help: 'h', buckets: [0.5, 1, 2.5], registers: [r] });
    for (const v of [0.1, 0.7, 3]) h.observe(v);
    const s = new client.Summary({ name: 'sz', help: 'h', percentiles: [0.5, 0.99], registers: [r] });
    for (const v of [10, 20, 30]) s.observe(v);

    const clock = new FakeClock({ now: 1_700_000_000_000 });
    const snapshot = await fromPromClient(r, { clock }).collect();
    assert.equal(snapshot.timestampMs, 1_700_000_000_000);
    const pushed = flatten(decodePayloads(remoteWriteEncoder().encode(snapshot)));
    assert.ok(pushed.every((p) => p.timestamp === 1_700_000_000_000));
    const canonicalLe: Record<string, string> = { '1': '1.0' };
    const scraped = parseText(await r.metrics()).map(({ labels, value }) => {
      const le = labels['le'];
      return { labels: le === undefined ? labels : { ...labels, le: canonicalLe[le] ?? le }, value };
    });
    assert.deepEqual(sortByKey(pushed.map(({ labels, value }) => ({ labels, value }))), scraped);
  });

  it('merges a registry of ours: its families first and winning a name clash, its default labels and clock', async () => {
    const r = promRegistry();
    new client.Gauge({ name: 'theirs', help: 'h', registers: [r] }).set(1);
    new client.Counter({ name: 'jobs_total', help: 'h', registers: [r] }).inc(100);
    const clock = new FakeClock({ now: 1_700_000_000_500 });
    const ours = new Registry({ clock });
    ours.setDefaultLabels({ host: 'h1' });
    new Counter({ name: 'jobs', help: 'h', registry: ours }).inc(2);
    const conflicts: string[] = [];
    const source = fromPromClient(r, { registry: ours, onConflict: (name) => conflicts.push(name) });
    const snapshot = await source.collect();
    assert.deepEqual(conflicts, ['jobs']);
    assert.equal(snapshot.timestampMs, 1_700_000_000_500);
    assert.deepEqual(
      snapshot.families.map((f) => f.name),
      ['jobs', 'theirs'],
    );
    assert.deepEqual(flatten(decodePayloads(remoteWriteEncoder().encode(snapshot))), [
      { labels: { __name__: 'jobs_total', host: 'h1' }, value: 2, timestamp: 1_700_000_000_500 },
      { labels: { __name__: 'theirs', host: 'h1' }, value: 1, timestamp: 1_700_000_000_500 },
    ]);
  });

  it('reads prom-client afresh on every collect', async () => {
    const r = promRegistry();
    const g = new client.Gauge({ name: 'g', help: 'h', registers: [r] });
    const source = fromPromClient(r);
    g.set(1);
    const first = await source.collect();
    g.set(2);
    const second = await source.collect();
    const value = (s: typeof first): number | undefined => {
      const [family] = s.families;
      return family?.type === 'gauge' ? family.series[0]?.value : undefined;
    };
    assert.equal(value(first), 1);
    assert.equal(value(second), 2);
    assert.deepEqual(second.defaultLabelNames, []);
  });
});
