import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Counter,
  Enum,
  Gauge,
  Histogram,
  Info,
  InvalidArgumentError,
  MetricConflictError,
  Registry,
  Summary,
} from '../../src/index.js';
import type { ChangeKind, LabelValues, MetricSource } from '../../src/index.js';
import { FakeClock } from '../../src/testing/index.js';

function throwsConflict(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof MetricConflictError, `expected MetricConflictError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_METRIC_CONFLICT');
    assert.equal(error.message, message);
    return true;
  });
}

describe('get-or-create', () => {
  it('returns the registered metric for an identical definition (help may differ)', () => {
    const registry = new Registry();
    const a = new Counter({
      name: 'requests',
      help: 'first',
      labelNames: ['host'],
      defaultLabels: { host: 'h' },
      registry,
    });
    const b = new Counter({
      name: 'requests',
      help: 'second',
      labelNames: ['host'],
      defaultLabels: { host: 'h' },
      registry,
    });
    assert.equal(b, a);
    assert.equal(b.help, 'first');
    a.labels({}).inc();
    b.labels({}).inc();
    assert.deepEqual(
      registry.collect().families.map((f) => f.series.length),
      [1],
    );
  });

  it('works for every type, matching on the full name', () => {
    const registry = new Registry();
    const pairs: [unknown, unknown][] = [
      [new Gauge({ name: 'g', registry }), new Gauge({ name: 'g', registry })],
      [
        new Histogram({ name: 'h', namespace: 'ns', buckets: [1, 2], registry }),
        new Histogram({ name: 'ns_h', buckets: [1, 2], registry }),
      ],
      [
        new Summary({ name: 's', percentiles: [0.5], registry }),
        new Summary({ name: 's', percentiles: [0.5], registry }),
      ],
      [new Info({ name: 'build_info', registry }), new Info({ name: 'build', registry })],
      [new Enum({ name: 'e', states: ['a', 'b'], registry }), new Enum({ name: 'e', states: ['a', 'b'], registry })],
      [new Counter({ name: 'c_total', registry }), new Counter({ name: 'c', registry })],
    ];
    for (const [first, second] of pairs) assert.equal(second, first);
  });

  it('throws MetricConflictError naming both shapes when the shape differs', () => {
    const registry = new Registry();
    new Counter({ name: 'requests', labelNames: ['host', 'service'], defaultLabels: { host: 'box1' }, registry });
    throwsConflict(
      () => new Gauge({ name: 'requests', registry }),
      'metric "requests" is already registered as counter requests{host="box1",service}; ' +
        'cannot register it again as gauge requests{}',
    );
    throwsConflict(
      () => new Counter({ name: 'requests', labelNames: ['service', 'host'], registry }),
      'metric "requests" is already registered as counter requests{host="box1",service}; ' +
        'cannot register it again as counter requests{service,host}',
    );
    throwsConflict(
      () =>
        new Counter({ name: 'requests', labelNames: ['host', 'service'], defaultLabels: { host: 'box2' }, registry }),
      'metric "requests" is already registered as counter requests{host="box1",service}; ' +
        'cannot register it again as counter requests{host="box2",service}',
    );
  });

  it('treats buckets, quantile options, states and unit as part of the shape', () => {
    const registry = new Registry();
    new Histogram({ name: 'h', buckets: [1, 2], registry });
    throwsConflict(
      () => new Histogram({ name: 'h', buckets: [1, 3], registry }),
      'metric "h" is already registered as histogram h{} buckets=[1,2]; cannot register it again as histogram h{} buckets=[1,3]',
    );
    new Summary({ name: 's', percentiles: [0.5], registry });
    throwsConflict(
      () => new Summary({ name: 's', percentiles: [0.5], maxAgeSeconds: 60, registry }),
      'metric "s" is already registered as summary s{} percentiles=[0.5] maxAgeSeconds=600 ageBuckets=5; ' +
        'cannot register it again as summary s{} percentiles=[0.5] maxAgeSeconds=60 ageBuckets=5',
    );
    new Enum({ name: 'e', states: ['a'], registry });
    throwsConflict(
      () => new Enum({ name: 'e', states: ['a', 'b'], registry }),
      'metric "e" is already registered as enum e{} states=[a]; cannot register it again as enum e{} states=[a,b]',
    );
    new Gauge({ name: 'x_seconds', registry });
    throwsConflict(
      () => new Gauge({ name: 'x', unit: 'seconds', registry }),
      'metric "x_seconds" is already registered as gauge x_seconds{}; cannot register it again as gauge x_seconds{} unit=seconds',
    );
  });

  it('rejects names that collide with another metric’s samples', () => {
    const registry = new Registry();
    new Histogram({ name: 'latency', registry });
    throwsConflict(
      () => new Gauge({ name: 'latency_count', registry }),
      'metric "latency_count" (gauge) would expose "latency_count", which is already used by ' +
        `histogram latency{} buckets=[${[0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10].join(',')}]`,
    );
    new Gauge({ name: 'jobs_total', registry });
    throwsConflict(
      () => new Counter({ name: 'jobs', registry }),
      'metric "jobs" (counter) would expose "jobs_total", which is already used by gauge jobs_total{}',
    );
    assert.equal(registry.getSingle('jobs'), undefined);
  });
});

describe('register / unregister / clear / getSingle', () => {
  it('registers an unregistered metric explicitly; registering it twice is a no-op', () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'g', registry: null });
    registry.register(g);
    registry.register(g);
    assert.equal(registry.getSingle('g'), g);
    assert.equal(registry.collect().families.length, 1);
  });

  it('refuses a different instance under a taken name', () => {
    const registry = new Registry();
    new Gauge({ name: 'g', registry });
    const other = new Gauge({ name: 'g', registry: null });
    throwsConflict(
      () => registry.register(other),
      'metric "g" is already registered as gauge g{}; cannot register another metric gauge g{}',
    );
  });

  it('unregisters by name or by instance, and frees the sample names', () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'h', registry });
    const g = new Gauge({ name: 'g', registry });
    assert.equal(registry.unregister(new Gauge({ name: 'h', registry: null })), false);
    assert.equal(registry.unregister('h'), true);
    assert.equal(registry.unregister('h'), false);
    assert.equal(registry.unregister(g), true);
    assert.equal(registry.getSingle('h'), undefined);
    new Gauge({ name: 'h_count', registry });
    assert.notEqual(new Histogram({ name: 'h', registry: null }), h);
  });

  it('clear() unregisters everything; a new definition then creates a new metric', () => {
    const registry = new Registry();
    const c = new Counter({ name: 'c', registry });
    registry.clear();
    assert.deepEqual(registry.collect().families, []);
    assert.notEqual(new Counter({ name: 'c', registry }), c);
  });
});

describe('collect()', () => {
  it('families in registration order, series in creation order, timestamp from the clock', () => {
    const clock = new FakeClock();
    const registry = new Registry({ clock });
    const c = new Counter({ name: 'b_counter', labelNames: ['k'], registry, clock });
    new Gauge({ name: 'a_gauge', registry, clock });
    c.labels('z').inc();
    c.labels('a').inc(2);
    const snapshot = registry.collect();
    assert.deepEqual(snapshot, {
      families: [
        {
          type: 'counter',
          name: 'b_counter',
          help: '',
          unit: '',
          labelNames: ['k'],
          series: [
            { labelValues: ['z'], value: 1, created: 1_700_000_000 },
            { labelValues: ['a'], value: 2, created: 1_700_000_000 },
          ],
        },
        { type: 'gauge', name: 'a_gauge', help: '', unit: '', labelNames: [], series: [{ labelValues: [], value: 0 }] },
      ],
      defaultLabelNames: [],
      defaultLabelValues: [],
      timestampMs: 1_700_000_000_000,
    });
  });

  it('registry default labels appear in the snapshot, stringified; {} clears them', () => {
    const registry = new Registry();
    registry.setDefaultLabels({ instance: 'box1', VictoriaMetrics_AccountID: 0 });
    const snapshot = registry.collect();
    assert.deepEqual(snapshot.defaultLabelNames, ['instance', 'VictoriaMetrics_AccountID']);
    assert.deepEqual(snapshot.defaultLabelValues, ['box1', '0']);
    assert.equal(registry.collect().defaultLabelNames, snapshot.defaultLabelNames);
    assert.deepEqual(registry.defaultLabels(), {
      defaultLabelNames: ['instance', 'VictoriaMetrics_AccountID'],
      defaultLabelValues: ['box1', '0'],
    });
    assert.equal(registry.defaultLabels(), registry.defaultLabels());
    assert.equal(registry.defaultLabels().defaultLabelValues, snapshot.defaultLabelValues);
    registry.setDefaultLabels({});
    assert.deepEqual(registry.collect().defaultLabelNames, []);
    assert.deepEqual(registry.collect().defaultLabelValues, []);
  });

  it('rejects bad registry default labels', () => {
    const registry = new Registry();
    for (const [labels, fragment] of [
      [{ 'a-b': 'x' }, 'invalid label name "a-b"'],
      [{ __x: 'x' }, 'invalid label name "__x"'],
      [{ le: '1' }, 'invalid label name "le"'],
      [{ quantile: '1' }, 'invalid label name "quantile"'],
      [{ ok: true }, 'label "ok" must be a string or a number, got true'],
    ] as const) {
      assert.throws(
        () => registry.setDefaultLabels(labels as never),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.message.startsWith('registry default labels: ') &&
          error.message.includes(fragment),
      );
    }
  });
});

type Call = [string, LabelValues, ChangeKind, number];

describe('change events', () => {
  function recorder() {
    const calls: Call[] = [];
    const sources: MetricSource[] = [];
    const listener = (source: MetricSource, labelValues: LabelValues, kind: ChangeKind, value: number) => {
      calls.push([source.name, labelValues, kind, value]);
      sources.push(source);
    };
    return { calls, sources, listener };
  }

  it('reports every mutation with its exact arguments', () => {
    const registry = new Registry();
    const { calls, listener } = recorder();
    registry.onChange(listener);
    const c = new Counter({ name: 'c', labelNames: ['k'], registry });
    const g = new Gauge({ name: 'g', registry });
    const h = new Histogram({ name: 'h', buckets: [1], registry });
    const s = new Summary({ name: 's', percentiles: [], registry });
    const i = new Info({ name: 'i', registry });
    const e = new Enum({ name: 'e', states: ['a', 'b'], registry });
    c.labels('x').inc();
    c.labels('x').inc(2);
    c.labels('x').inc(NaN);
    g.set(5);
    g.inc(2);
    g.dec(10);
    h.observe(0.5);
    s.observe(3);
    i.info({ v: '1' });
    e.state('b');
    assert.deepEqual(calls, [
      ['c', ['x'], 'inc', 1],
      ['c', ['x'], 'inc', 2],
      ['g', [], 'set', 5],
      ['g', [], 'set', 7],
      ['g', [], 'set', -3],
      ['h', [], 'observe', 0.5],
      ['s', [], 'observe', 3],
      ['i', [], 'set', 1],
      ['e', [], 'set', 1],
    ]);
  });

  it('passes the metric as source, with label values identical to the snapshot’s, and collectSeries', () => {
    const registry = new Registry();
    const { calls, sources, listener } = recorder();
    const c = new Counter({ name: 'c', labelNames: ['k'], registry, clock: new FakeClock() });
    registry.onChange(listener);
    c.labels('x').inc(4);
    c.labels('y').inc();
    assert.equal(sources[0], c);
    const labelValues = calls[0]![1];
    assert.equal(labelValues, c.collect().series[0]!.labelValues);
    assert.deepEqual(sources[0].collectSeries(labelValues), {
      type: 'counter',
      name: 'c',
      help: '',
      unit: '',
      labelNames: ['k'],
      series: [{ labelValues: ['x'], value: 4, created: 1_700_000_000 }],
    });
    assert.deepEqual(sources[0].collectSeries(['nope']).series, []);
  });

  it('unsubscribe stops the calls; several listeners all get each change', () => {
    const registry = new Registry();
    const g = new Gauge({ name: 'g', registry });
    const one = recorder();
    const two = recorder();
    const offOne = registry.onChange(one.listener);
    const offTwo = registry.onChange(two.listener);
    g.set(1);
    offOne();
    offOne();
    g.set(2);
    offTwo();
    g.set(3);
    assert.deepEqual(one.calls, [['g', [], 'set', 1]]);
    assert.deepEqual(two.calls, [
      ['g', [], 'set', 1],
      ['g', [], 'set', 2],
    ]);
    assert.equal(g.listener, undefined);
  });

  it('an unregistered metric stops reporting; a metric registered later starts', () => {
    const registry = new Registry();
    const { calls, listener } = recorder();
    registry.onChange(listener);
    const g = new Gauge({ name: 'g', registry });
    registry.unregister(g);
    g.set(1);
    const late = new Gauge({ name: 'late', registry: null });
    registry.register(late);
    late.set(2);
    assert.deepEqual(calls, [['late', [], 'set', 2]]);
  });

  it('a metric without a listener calls nothing; the listener slot can be set directly', () => {
    const g = new Gauge({ name: 'g', registry: null });
    g.set(1);
    const { calls, listener } = recorder();
    g.listener = listener;
    g.set(2);
    assert.deepEqual(calls, [['g', [], 'set', 2]]);
  });
});
