// The pieces of a sliced push: Registry/metric collectParts, SliceCursor, mergeSlices,
// SliceBudget and StreamedBody.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Registry } from '../../src/registry.js';
import type { MetricFamily, Snapshot } from '../../src/model/snapshot.js';
import {
  FIRST_SLICE_SAMPLES,
  mergeSlices,
  samplesPerSeries,
  SliceBudget,
  SliceCursor,
  StreamedBody,
} from '../../src/push/slicing.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

const shape = (slice: Snapshot): string[] =>
  slice.families.map((f) => `${f.name}${f.continued === true ? '+' : ''}:${f.series.length}`);

function fixture(): { registry: Registry; jobs: Counter<'q'>; clock: FakeClock } {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const jobs = new Counter({ name: 'jobs', help: 'Jobs', labelNames: ['q'], registry, clock });
  for (let i = 0; i < 5; i++) jobs.labels({ q: `q${i}` }).inc(i + 1);
  new Counter({ name: 'empty', help: 'No series', labelNames: ['x'], registry, clock });
  const latency = new Histogram({ name: 'latency', help: 'L', labelNames: ['m'], buckets: [1, 2], registry, clock });
  latency.labels({ m: 'GET' }).observe(1.5);
  latency.labels({ m: 'PUT' }).observe(0.5);
  return { registry, jobs, clock };
}

function all(cursor: SliceCursor, budget: number): Snapshot[] {
  const slices: Snapshot[] = [];
  do slices.push(cursor.next(budget));
  while (!cursor.done);
  return slices;
}

describe('collectParts', () => {
  it('collects the series existing when the parts were taken, current values, each once', () => {
    const { registry, jobs } = fixture();
    const parts = registry.collectParts();
    const [jobParts] = parts.metrics.map((m) => m.collectParts());
    assert.equal(jobParts?.size, 5);
    jobs.labels({ q: 'q0' }).inc(100); // a change after the list was taken shows
    jobs.labels({ q: 'late' }).inc(); // a series created after it does not
    jobs.remove({ q: 'q1' }); // a series removed after it is still reported, with its last value
    const family = jobParts.collect(0, 5);
    assert.deepEqual(
      family.series.map((s) => [s.labelValues[0], 'value' in s ? s.value : NaN]),
      [
        ['q0', 101],
        ['q1', 2],
        ['q2', 3],
        ['q3', 4],
        ['q4', 5],
      ],
    );
    assert.deepEqual(jobParts.collect(0, 0), { ...family, series: [] });
    assert.deepEqual(
      jobParts.collect(3, 5).series.map((s) => s.labelValues[0]),
      ['q3', 'q4'],
    );
  });

  it('carries the registry defaults and timestamp of collect()', () => {
    const { registry } = fixture();
    registry.setDefaultLabels({ host: 'h' });
    const { metrics, ...header } = registry.collectParts();
    const { families, ...expected } = registry.collect();
    assert.deepEqual(header, expected);
    assert.equal(metrics.length, families.length);
  });
});

describe('SliceCursor', () => {
  it('weighs series in samples: a histogram series is its buckets + 3', () => {
    const { registry } = fixture();
    const [, , latency] = registry.collect().families;
    assert.equal(samplesPerSeries(latency!), 2 + 3);
    assert.equal(samplesPerSeries(registry.collect().families[0]!), 1);
  });

  it('cuts families into pieces, marks continued pieces and every slice but the last', () => {
    const { registry } = fixture();
    const slices = all(SliceCursor.ofParts(registry.collectParts(), true), 4);
    assert.deepEqual(slices.map(shape), [['jobs:3'], ['jobs+:2', 'empty:0'], ['latency:1'], ['latency+:1']]);
    assert.deepEqual(
      slices.map((s) => s.last),
      [false, false, false, undefined],
    );
  });

  it("unmarked ('messages'): pieces are plain families and slices plain snapshots", () => {
    const { registry } = fixture();
    const slices = all(SliceCursor.ofParts(registry.collectParts(), false), 4);
    assert.deepEqual(slices.map(shape), [['jobs:3'], ['jobs:2', 'empty:0'], ['latency:1'], ['latency:1']]);
    assert.ok(slices.every((s) => s.last === undefined));
  });

  it('a series heavier than the whole budget goes alone', () => {
    const { registry } = fixture();
    const slices = all(SliceCursor.ofParts(registry.collectParts(), true), 1);
    assert.deepEqual(slices.map(shape).slice(-2), [['latency:1'], ['latency+:1']]);
    assert.equal(slices.length, 5 + 2 + 1);
  });

  it('slices a collected snapshot the same way, and one slice is the snapshot as it is', () => {
    const { registry } = fixture();
    const snapshot = registry.collect();
    assert.deepEqual(
      all(SliceCursor.ofSnapshot(snapshot, true), 4).map(shape),
      all(SliceCursor.ofParts(registry.collectParts(), true), 4).map(shape),
    );
    const [only, ...rest] = all(SliceCursor.ofSnapshot(snapshot, true), 1000);
    assert.deepEqual(rest, []);
    assert.deepEqual(only, snapshot);
    assert.equal(only?.families[0], snapshot.families[0]);
  });

  it('an empty registry gives one empty slice', () => {
    const cursor = SliceCursor.ofParts(new Registry().collectParts(), true);
    assert.equal(cursor.done, true);
    assert.deepEqual(cursor.next(10).families, []);
  });
});

describe('mergeSlices', () => {
  it('puts marked slices back together into what collect() returns', () => {
    const { registry } = fixture();
    for (const budget of [1, 2, 3, 4, 7, 100]) {
      const merged = mergeSlices(all(SliceCursor.ofParts(registry.collectParts(), true), budget));
      assert.deepEqual(merged, registry.collect(), `budget ${budget}`);
      assert.ok(merged.families.every((f: MetricFamily) => f.continued === undefined));
    }
  });
});

describe('SliceBudget', () => {
  it('starts at 4096 samples (or the maximum), then sizes slices to the target time', () => {
    assert.equal(new SliceBudget(1 << 20, 4).samples, FIRST_SLICE_SAMPLES);
    assert.equal(new SliceBudget(10, 4).samples, 10);
    const budget = new SliceBudget(1 << 20, 4);
    budget.update(4096, 2); // 0.5 µs a sample: 4 ms is 8192 samples
    assert.equal(budget.samples, 8192);
  });

  it('grows at most 4× per slice, shrinks at once on a slow slice, never below 256', () => {
    const budget = new SliceBudget(1 << 20, 4);
    budget.update(4096, 0.001);
    assert.equal(budget.samples, 4 * 4096);
    budget.update(16_384, 160); // 100× slower: shrink to fit
    assert.equal(budget.samples, 409);
    budget.update(409, 400);
    assert.equal(budget.samples, 256);
  });

  it('a fast slice moves the estimate by 30 % only', () => {
    const budget = new SliceBudget(1 << 20, 4);
    budget.update(4000, 4); // 1 µs a sample → 4000
    budget.update(4000, 0.4); // 0.1 µs: estimate 0.73 µs → 5479
    assert.equal(budget.samples, Math.floor(4 / (0.001 * 0.7 + 0.0001 * 0.3)));
  });

  it('without measurable time (FakeClock) it grows to the maximum', () => {
    const budget = new SliceBudget(3, 4);
    budget.update(3, 0);
    assert.equal(budget.samples, 3);
  });
});

describe('StreamedBody', () => {
  it('replays every chunk to each iteration and waits for the ones to come', async () => {
    const body = new StreamedBody();
    body.push(Buffer.from('a'));
    const first = (async () => {
      const seen: string[] = [];
      for await (const chunk of body) seen.push(Buffer.from(chunk).toString());
      return seen;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    body.push(Buffer.from('bc'));
    body.end();
    body.push(Buffer.from('ignored after end'));
    assert.deepEqual(await first, ['a', 'bc']);
    const again: string[] = [];
    for await (const chunk of body) again.push(Buffer.from(chunk).toString());
    assert.deepEqual(again, ['a', 'bc']);
    assert.equal(body.byteLength, 3);
  });

  it('fail(): every iteration, waiting or not, throws the reason', async () => {
    const body = new StreamedBody();
    body.push(Buffer.from('a'));
    const reason = new Error('encoder bug');
    const waiting = (async () => {
      for await (const _ of body) void _;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    body.fail(reason);
    await assert.rejects(waiting, (error) => error === reason);
    await assert.rejects(
      (async () => {
        for await (const _ of body) void _;
      })(),
      (error) => error === reason,
    );
  });
});
