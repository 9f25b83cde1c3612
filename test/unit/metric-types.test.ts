import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Counter,
  DEFAULT_BUCKETS,
  DEFAULT_PERCENTILES,
  Enum,
  Gauge,
  Histogram,
  Info,
  InvalidArgumentError,
  Registry,
  Summary,
  exponentialBuckets,
  linearBuckets,
} from '../../src/index.js';
import { FakeClock } from '../../src/testing/index.js';

function throwsInvalid(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_INVALID_ARG');
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks ${fragment}`);
    return true;
  });
}

// FakeClock starts at 1_700_000_000_000 ms.
const T0 = 1_700_000_000;

describe('Counter', () => {
  it('exists at 0 from creation when it has no labels, and collects as a counter family', () => {
    const clock = new FakeClock();
    const c = new Counter({ name: 'requests_total', help: 'Requests', namespace: 'acme', registry: null, clock });
    assert.deepEqual(c.collect(), {
      type: 'counter',
      name: 'acme_requests',
      help: 'Requests',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], value: 0, created: T0 }],
    });
  });

  it('inc() adds 1 by default, or the given amount; a held child keeps its own number', async () => {
    const clock = new FakeClock();
    const c = new Counter({ name: 'c', labelNames: ['k'], registry: null, clock });
    const a = c.labels('a');
    a.inc();
    a.inc(2.5);
    await clock.advance(1500);
    c.labels('b').inc(0);
    assert.equal(a.value, 3.5);
    assert.deepEqual(c.collect(), {
      type: 'counter',
      name: 'c',
      help: '',
      unit: '',
      labelNames: ['k'],
      series: [
        { labelValues: ['a'], value: 3.5, created: T0 },
        { labelValues: ['b'], value: 0, created: T0 + 1.5 },
      ],
    });
  });

  it('throws RangeError for a negative amount, naming the metric and the value', () => {
    const c = new Counter({ name: 'jobs', registry: null });
    assert.throws(
      () => c.inc(-1),
      (error: unknown) =>
        error instanceof RangeError && error.message === 'counter "jobs": inc() amount must not be negative, got -1',
    );
    assert.throws(() => c.inc(-Infinity), RangeError);
    assert.equal(c.collect().series.length, 1);
    assert.equal(c.collect().series[0]!.value, 0);
  });

  it('drops NaN and counts it; rejects a non-number', () => {
    const c = new Counter({ name: 'jobs', registry: null });
    c.inc(NaN);
    c.inc(NaN);
    c.inc(1);
    assert.equal(c.droppedObservations, 2);
    assert.equal(c.collect().series[0]!.value, 1);
    throwsInvalid(() => c.inc('5' as never), 'metric "jobs": inc() needs a number, got "5"');
  });
});

describe('Gauge', () => {
  it('inc, dec, set, setToCurrentTime', () => {
    const clock = new FakeClock();
    const g = new Gauge({ name: 'temp', unit: 'celsius', registry: null, clock });
    g.inc();
    g.inc(4);
    g.dec(2);
    g.dec();
    assert.deepEqual(g.collect(), {
      type: 'gauge',
      name: 'temp_celsius',
      help: '',
      unit: 'celsius',
      labelNames: [],
      series: [{ labelValues: [], value: 2 }],
    });
    g.set(-7.5);
    assert.deepEqual(g.collect().series, [{ labelValues: [], value: -7.5 }]);
    g.setToCurrentTime();
    assert.deepEqual(g.collect().series, [{ labelValues: [], value: T0 }]);
  });

  it('labelled children are independent', () => {
    const g = new Gauge({ name: 'queue', labelNames: ['q'] as const, registry: null });
    g.labels({ q: 'a' }).set(3);
    g.labels({ q: 'b' }).dec(2);
    assert.deepEqual(g.collect().series, [
      { labelValues: ['a'], value: 3 },
      { labelValues: ['b'], value: -2 },
    ]);
    assert.equal(g.labels('a').value, 3);
  });

  it('drops NaN from set/inc/dec and counts it', () => {
    const g = new Gauge({ name: 'g', registry: null });
    g.set(5);
    g.set(NaN);
    g.inc(NaN);
    g.dec(NaN);
    assert.equal(g.droppedObservations, 3);
    assert.deepEqual(g.collect().series, [{ labelValues: [], value: 5 }]);
    g.set(Infinity);
    assert.deepEqual(g.collect().series, [{ labelValues: [], value: Infinity }]);
    throwsInvalid(() => g.set(undefined as never), 'metric "g": set() needs a number, got undefined');
  });
});

describe('Histogram', () => {
  it('counts into buckets and collects them cumulatively, +Inf last equal to count', () => {
    const clock = new FakeClock();
    const h = new Histogram({
      name: 'latency',
      unit: 'seconds',
      help: 'Latency',
      buckets: [0.1, 1, 10],
      registry: null,
      clock,
    });
    for (const v of [0.05, 0.1, 0.5, 1, 5, 10, 11, -3]) h.observe(v);
    assert.deepEqual(h.collect(), {
      type: 'histogram',
      name: 'latency_seconds',
      help: 'Latency',
      unit: 'seconds',
      labelNames: [],
      upperBounds: [0.1, 1, 10],
      series: [{ labelValues: [], bucketCounts: [3, 5, 7, 8], sum: 24.65, count: 8, created: T0 }],
    });
  });

  it('uses the default buckets', () => {
    const h = new Histogram({ name: 'h', registry: null });
    assert.deepEqual(h.upperBounds, [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    assert.deepEqual(DEFAULT_BUCKETS, [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    h.observe(0.3);
    assert.deepEqual(h.collect().series, [
      {
        labelValues: [],
        bucketCounts: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
        sum: 0.3,
        count: 1,
        created: h.collect().series[0]!.created,
      },
    ]);
  });

  it('finds the right bucket with many bounds (binary search) too', () => {
    const bounds = Array.from({ length: 40 }, (_, i) => i + 1); // 1..40
    const h = new Histogram({ name: 'wide', buckets: bounds, registry: null, clock: new FakeClock() });
    for (const v of [0, 1, 1.5, 20, 40, 40.5]) h.observe(v);
    const counts = h.collect().series[0]!.bucketCounts;
    assert.equal(counts.length, 41);
    assert.equal(counts[0], 2); // 0, 1 (le 1)
    assert.equal(counts[1], 3); // 1.5 (le 2)
    assert.equal(counts[18], 3); // le 19
    assert.equal(counts[19], 4); // 20 (le 20)
    assert.equal(counts[38], 4); // le 39
    assert.equal(counts[39], 5); // 40 (le 40)
    assert.equal(counts[40], 6); // +Inf
  });

  it('labelled series share the bounds and keep their own counts', () => {
    const h = new Histogram({ name: 'h', labelNames: ['svc'], buckets: [1], registry: null, clock: new FakeClock() });
    const api = h.labels({ svc: 'api' });
    api.observe(0.5);
    api.observe(2);
    h.labels({ svc: 'db' }).observe(3);
    assert.deepEqual(
      h.collect().series.map((s) => [s.labelValues, s.bucketCounts]),
      [
        [['api'], [1, 2]],
        [['db'], [0, 1]],
      ],
    );
    assert.equal(api.count, 2);
    assert.equal(api.sum, 2.5);
  });

  it('collecting does not change the series', () => {
    const h = new Histogram({ name: 'h', buckets: [1, 2], registry: null, clock: new FakeClock() });
    h.observe(1.5);
    const first = h.collect();
    const second = h.collect();
    assert.deepEqual(first, second);
    h.observe(0.5);
    assert.deepEqual(first.series[0]!.bucketCounts, [0, 1, 1]);
    assert.deepEqual(h.collect().series[0]!.bucketCounts, [1, 2, 2]);
  });

  it('drops NaN and counts it', () => {
    const h = new Histogram({ name: 'h', buckets: [1], registry: null, clock: new FakeClock() });
    h.observe(NaN);
    h.observe(Infinity);
    assert.equal(h.droppedObservations, 1);
    assert.deepEqual(h.collect().series[0]!.bucketCounts, [0, 1]);
    throwsInvalid(() => h.observe(null as never), 'metric "h": observe() needs a number, got null');
  });

  it('validates buckets, naming the metric and the bad bound', () => {
    throwsInvalid(
      () => new Histogram({ name: 'h', buckets: [1, 0.5], registry: null }),
      'metric "h"',
      'got 0.5 after 1',
    );
    throwsInvalid(
      () => new Histogram({ name: 'h', buckets: [1, 1], registry: null }),
      'sorted ascending and unique, got 1 after 1',
    );
    throwsInvalid(
      () => new Histogram({ name: 'h', buckets: [1, NaN], registry: null }),
      'bucket bound NaN is not a finite number',
    );
    throwsInvalid(() => new Histogram({ name: 'h', buckets: [], registry: null }), 'at least one finite bound');
    throwsInvalid(() => new Histogram({ name: 'h', buckets: [Infinity], registry: null }), 'at least one finite bound');
    throwsInvalid(
      () => new Histogram({ name: 'h', buckets: [-Infinity, 1], registry: null }),
      'bucket bound -Infinity',
    );
    throwsInvalid(
      () => new Histogram({ name: 'h', buckets: 'x' as never, registry: null }),
      'buckets must be an array of numbers, got "x"',
    );
  });

  it('accepts and drops a trailing +Inf bound', () => {
    const h = new Histogram({ name: 'h', buckets: [1, 2, Infinity], registry: null });
    assert.deepEqual(h.upperBounds, [1, 2]);
  });
});

describe('bucket generators', () => {
  it('linearBuckets(start, width, count)', () => {
    assert.deepEqual(linearBuckets(0, 0.25, 5), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(linearBuckets(-1, 1, 3), [-1, 0, 1]);
    assert.deepEqual(linearBuckets(10, 5, 1), [10]);
  });

  it('exponentialBuckets(start, factor, count)', () => {
    assert.deepEqual(exponentialBuckets(1, 2, 5), [1, 2, 4, 8, 16]);
    assert.deepEqual(exponentialBuckets(0.25, 4, 3), [0.25, 1, 4]);
  });

  it('validate their arguments', () => {
    throwsInvalid(() => linearBuckets(0, 0, 3), 'linearBuckets: width must be a finite number > 0, got 0');
    throwsInvalid(() => linearBuckets(NaN, 1, 3), 'linearBuckets: start must be a finite number, got NaN');
    throwsInvalid(() => linearBuckets(0, 1, 0), 'linearBuckets: count must be an integer >= 1, got 0');
    throwsInvalid(() => linearBuckets(0, 1, 2.5), 'linearBuckets: count must be an integer >= 1, got 2.5');
    throwsInvalid(() => exponentialBuckets(0, 2, 3), 'exponentialBuckets: start must be a finite number > 0, got 0');
    throwsInvalid(() => exponentialBuckets(1, 1, 3), 'exponentialBuckets: factor must be a finite number > 1, got 1');
    throwsInvalid(() => exponentialBuckets(1, 2, -1), 'exponentialBuckets: count must be an integer >= 1, got -1');
    throwsInvalid(() => exponentialBuckets(1e300, 1e10, 3), 'exponentialBuckets: bounds overflow to Infinity');
  });

  it('feed a histogram', () => {
    const h = new Histogram({ name: 'h', buckets: exponentialBuckets(1, 10, 3), registry: null });
    assert.deepEqual(h.upperBounds, [1, 10, 100]);
  });
});

describe('Summary', () => {
  it('defaults to prom-client percentiles, a 600 s window in 5 steps', () => {
    const s = new Summary({ name: 's', registry: null });
    assert.deepEqual(s.percentiles, [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]);
    assert.deepEqual(DEFAULT_PERCENTILES, [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]);
    assert.equal(s.maxAgeSeconds, 600);
    assert.equal(s.ageBuckets, 5);
  });

  it('collects count, sum and one value per quantile', () => {
    const clock = new FakeClock();
    const s = new Summary({ name: 'size', unit: 'bytes', percentiles: [0.5], registry: null, clock });
    for (const v of [1, 2, 3]) s.observe(v);
    assert.deepEqual(s.collect(), {
      type: 'summary',
      name: 'size_bytes',
      help: '',
      unit: 'bytes',
      labelNames: [],
      quantiles: [0.5],
      series: [{ labelValues: [], quantileValues: [2], sum: 6, count: 3, created: T0 }],
    });
  });

  it('reports NaN quantiles for an empty window', () => {
    const s = new Summary({ name: 's', percentiles: [0.5, 0.9], registry: null, clock: new FakeClock() });
    const series = s.collect().series[0]!;
    assert.deepEqual(series.quantileValues, [NaN, NaN]);
    assert.equal(series.count, 0);
    assert.equal(series.sum, 0);
  });

  it('sorts percentiles and allows none (count and sum only)', () => {
    const sorted = new Summary({ name: 's', percentiles: [0.9, 0.1], registry: null });
    assert.deepEqual(sorted.percentiles, [0.1, 0.9]);
    const none = new Summary({ name: 'n', percentiles: [], labelNames: ['k'], registry: null, clock: new FakeClock() });
    none.labels('a').observe(4);
    assert.deepEqual(none.collect().series, [
      { labelValues: ['a'], quantileValues: [], sum: 4, count: 1, created: T0 },
    ]);
  });

  it('validates its options, naming the metric and the bad value', () => {
    throwsInvalid(
      () => new Summary({ name: 's', percentiles: [1], registry: null }),
      'metric "s"',
      'percentile 1 is not in (0, 1)',
    );
    throwsInvalid(() => new Summary({ name: 's', percentiles: [0], registry: null }), 'percentile 0 is not in (0, 1)');
    throwsInvalid(
      () => new Summary({ name: 's', percentiles: [0.5, 0.5], registry: null }),
      'duplicate percentile 0.5',
    );
    throwsInvalid(
      () => new Summary({ name: 's', maxAgeSeconds: 0, registry: null }),
      'maxAgeSeconds must be > 0, got 0',
    );
    throwsInvalid(
      () => new Summary({ name: 's', ageBuckets: 1.5, registry: null }),
      'ageBuckets must be an integer >= 1, got 1.5',
    );
  });

  it('drops NaN and counts it', () => {
    const s = new Summary({ name: 's', percentiles: [0.5], registry: null, clock: new FakeClock() });
    s.observe(NaN);
    s.observe(7);
    assert.equal(s.droppedObservations, 1);
    assert.deepEqual(s.collect().series, [{ labelValues: [], quantileValues: [7], sum: 7, count: 1, created: T0 }]);
  });
});

describe('Info', () => {
  it('exists with no pairs from creation; info() replaces the pairs', () => {
    const i = new Info({ name: 'build', help: 'Build', registry: null });
    assert.deepEqual(i.collect(), {
      type: 'info',
      name: 'build',
      help: 'Build',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], infoNames: [], infoValues: [] }],
    });
    i.info({ version: '1.2.3', commit: 'abc' });
    i.info({ version: '1.2.4', build: 42 });
    assert.deepEqual(i.collect().series, [
      { labelValues: [], infoNames: ['version', 'build'], infoValues: ['1.2.4', '42'] },
    ]);
  });

  it('labelled info series', () => {
    const i = new Info({ name: 'target', labelNames: ['host'], defaultLabels: { host: 'h1' }, registry: null });
    i.labels({}).info({ os: 'linux' });
    assert.deepEqual(i.collect().series, [{ labelValues: ['h1'], infoNames: ['os'], infoValues: ['linux'] }]);
  });

  it('rejects bad info names, names that are label names, and bad values', () => {
    const i = new Info({ name: 'build', labelNames: ['host'], registry: null });
    const child = i.labels('h');
    throwsInvalid(() => child.info({ 'bad-key': 'x' }), 'info "build"', 'invalid info name "bad-key"');
    throwsInvalid(() => child.info({ __x: 'x' }), 'invalid info name "__x"');
    throwsInvalid(() => child.info({ host: 'x' }), 'info name "host" is also a label name');
    throwsInvalid(() => child.info({ v: true as never }), 'value of "v" must be a string or a number, got true');
    throwsInvalid(() => child.info(null as never), 'info() needs an object, got null');
  });
});

describe('Enum', () => {
  it('starts in the first state; state() switches', () => {
    const e = new Enum({ name: 'phase', states: ['starting', 'running', 'stopped'] as const, registry: null });
    assert.deepEqual(e.collect(), {
      type: 'stateset',
      name: 'phase',
      help: '',
      unit: '',
      labelNames: [],
      states: ['starting', 'running', 'stopped'],
      series: [{ labelValues: [], stateIndex: 0 }],
    });
    e.state('stopped');
    assert.deepEqual(e.collect().series, [{ labelValues: [], stateIndex: 2 }]);
  });

  it('labelled enum series start in the first state at first use', () => {
    const e = new Enum({ name: 'worker', labelNames: ['id'], states: ['idle', 'busy'], registry: null });
    assert.deepEqual(e.collect().series, []);
    const w = e.labels('1');
    assert.equal(w.current, 'idle');
    w.state('busy');
    assert.equal(w.current, 'busy');
    assert.deepEqual(e.collect().series, [{ labelValues: ['1'], stateIndex: 1 }]);
  });

  it('rejects an unknown state and bad state lists', () => {
    const e = new Enum({ name: 'phase', states: ['a', 'b'], registry: null });
    throwsInvalid(() => e.state('c' as never), 'enum "phase": unknown state "c" (states: a, b)');
    throwsInvalid(
      () => new Enum({ name: 'p', states: [], registry: null }),
      'enum "p": states must be a non-empty array',
    );
    throwsInvalid(() => new Enum({ name: 'p', states: ['a', 'a'], registry: null }), 'enum "p": duplicate state "a"');
    throwsInvalid(
      () => new Enum({ name: 'p', states: [1 as never], registry: null }),
      'enum "p": state 1 is not a string',
    );
  });
});

describe('options', () => {
  it('help defaults to the empty string', () => {
    assert.equal(new Gauge({ name: 'g', registry: null }).help, '');
  });

  it('registers into pushRegistry by default, and nowhere with registry: null', async () => {
    const { pushRegistry } = await import('../../src/index.js');
    const name = 'metric_types_test_default_registry';
    const g = new Gauge({ name });
    assert.equal(pushRegistry.getSingle(name), g);
    assert.equal(pushRegistry.unregister(g), true);
    const loose = new Gauge({ name, registry: null });
    assert.equal(pushRegistry.getSingle(name), undefined);
    loose.set(1);
    assert.deepEqual(loose.collect().series, [{ labelValues: [], value: 1 }]);
  });

  it('uses the given registry', () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'g', registry });
    assert.equal(registry.getSingle('g'), g);
  });
});
