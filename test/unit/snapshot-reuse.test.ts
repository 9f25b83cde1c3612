// CollectOptions.reuse: a collect with the token of the previous one updates that collect's
// series records in place, only while the series are the same; every other collect allocates.
// A pusher with `reuseSnapshots` still pushes exactly what changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Registry } from '../../src/registry.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import type { CounterFamily, GaugeFamily, MetricFamily, Snapshot } from '../../src/model/snapshot.js';
import { periodicPusher } from '../../src/push/periodic-pusher.js';
import { SliceCursor } from '../../src/push/slicing.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport } from '../../src/testing/memory-transport.js';
import { guardProcess } from './push-helpers.js';

guardProcess();

function setup(series = 20): { registry: Registry; jobs: Counter<'q'>; depth: Gauge<'q'> } {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const jobs = new Counter({ name: 'jobs', help: 'Jobs', labelNames: ['q'], registry, clock });
  const depth = new Gauge({ name: 'depth', help: 'Depth', labelNames: ['q'], registry, clock });
  for (let i = 0; i < series; i++) {
    jobs.labels({ q: `q${i}` }).inc(i);
    depth.labels({ q: `q${i}` }).set(-i);
  }
  return { registry, jobs, depth };
}

const family = <F extends MetricFamily>(snapshot: Snapshot, name: string): F =>
  snapshot.families.find((f) => f.name === name) as F;
const values = (f: CounterFamily | GaugeFamily): number[] => f.series.map((s) => s.value);

describe('collect({ reuse })', () => {
  it('updates the records of the same token’s previous collect in place, with the new values', () => {
    const { registry, jobs, depth } = setup();
    const token = {};
    const first = registry.collect({ reuse: token });
    const firstJobs = family<CounterFamily>(first, 'jobs');
    const firstRecord = firstJobs.series[3]!;
    jobs.labels({ q: 'q3' }).inc(100);
    depth.labels({ q: 'q5' }).set(7.5);
    const second = registry.collect({ reuse: token });
    const secondJobs = family<CounterFamily>(second, 'jobs');
    assert.equal(secondJobs.series, firstJobs.series, 'the same records');
    assert.equal(secondJobs.series[3], firstRecord);
    assert.equal(firstRecord.value, 103, 'so the previous snapshot reads the new values');
    assert.deepEqual(
      values(secondJobs),
      Array.from({ length: 20 }, (_, i) => (i === 3 ? 103 : i)),
    );
    assert.deepEqual(
      values(family<GaugeFamily>(second, 'depth')),
      Array.from({ length: 20 }, (_, i) => (i === 5 ? 7.5 : -i)),
    );
    assert.equal(secondJobs.series[0]!.created, firstJobs.series[0]!.created);
  });

  it('builds new records when a series came or went, for another token, or without one', () => {
    const { registry, jobs } = setup();
    const token = {};
    const base = family<CounterFamily>(registry.collect({ reuse: token }), 'jobs');
    jobs.labels({ q: 'new' }).inc(5);
    const grown = family<CounterFamily>(registry.collect({ reuse: token }), 'jobs');
    assert.notEqual(grown.series[0], base.series[0]);
    assert.deepEqual(grown.series.at(-1), { labelValues: ['new'], value: 5, created: 1_700_000_000 });
    jobs.remove({ q: 'q0' });
    const shrunk = family<CounterFamily>(registry.collect({ reuse: token }), 'jobs');
    assert.equal(shrunk.series.length, 20);
    assert.deepEqual(shrunk.series[0]!.labelValues, ['q1']);
    const other = family<CounterFamily>(registry.collect({ reuse: {} }), 'jobs');
    assert.notEqual(other.series[0], shrunk.series[0]);
    const plain = [registry.collect(), registry.collect()].map((s) => family<CounterFamily>(s, 'jobs'));
    assert.notEqual(plain[0]!.series[0], plain[1]!.series[0], 'collect() without a token never shares');
  });

  it('leaves families under 16 series and the other types to fresh records', () => {
    const { registry } = setup(15);
    const clock = new FakeClock();
    const latency = new Histogram({ name: 'lat', help: 'h', labelNames: ['q'], buckets: [1], registry, clock });
    for (let i = 0; i < 20; i++) latency.labels({ q: `q${i}` }).observe(i);
    const token = {};
    const [a, b] = [registry.collect({ reuse: token }), registry.collect({ reuse: token })];
    for (const name of ['jobs', 'depth', 'lat'])
      assert.notEqual(family(a, name).series[0], family(b, name).series[0], name);
  });

  it('collectParts: reuses when a family is taken whole, never for a piece of one', () => {
    const { registry, jobs } = setup();
    const token = {};
    const whole = () =>
      family<CounterFamily>(SliceCursor.ofParts(registry.collectParts({ reuse: token }), true).next(1e6), 'jobs');
    const first = whole();
    jobs.labels({ q: 'q1' }).inc();
    const second = whole();
    assert.equal(second.series[1], first.series[1]);
    assert.equal(second.series[1]!.value, 2);
    const cursor = SliceCursor.ofParts(registry.collectParts({ reuse: token }), true);
    const piece = family<CounterFamily>(cursor.next(6), 'jobs');
    assert.ok(piece.series.length < 20);
    assert.notEqual(piece.series[0], first.series[0]);
  });
});

describe('periodicPusher({ reuseSnapshots: true })', () => {
  it('pushes the values of each push, sliced or not', async () => {
    for (const slicing of [false, { maxSamplesPerSlice: 5 }, undefined] as const) {
      const { registry, jobs } = setup();
      const transport = memoryTransport();
      const pusher = periodicPusher({
        registry,
        encoder: prometheusTextEncoder(),
        transport,
        reuseSnapshots: true,
        selfMetrics: false,
        ...(slicing !== undefined && { slicing }),
      });
      await pusher.pushNow();
      jobs.labels({ q: 'q7' }).inc(1000);
      await pusher.pushNow();
      jobs.labels({ q: 'q7' }).inc(1000);
      await pusher.pushNow();
      await pusher.stop();
      const q7 = transport.texts().map((text) => text.split('\n').find((l) => l.startsWith('jobs_total{q="q7"}')));
      assert.deepEqual(
        q7,
        ['jobs_total{q="q7"} 7', 'jobs_total{q="q7"} 1007', 'jobs_total{q="q7"} 2007', 'jobs_total{q="q7"} 2007'],
        `slicing ${JSON.stringify(slicing)}`,
      );
    }
  });
});
