import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Gauge, InvalidArgumentError, Registry } from '../../src/index.js';
import type { CounterFamily, LabelValues } from '../../src/index.js';
import { SeriesTable } from '../../src/metrics/series-table.js';
import { makeLoopLabelReader } from '../../src/metrics/label-reader.js';

function throwsInvalid(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_INVALID_ARG');
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks ${fragment}`);
    return true;
  });
}

/** [labelValues, value] of every series, in collection order. */
function rows(counter: { collect(): CounterFamily }): [readonly string[], number][] {
  return counter.collect().series.map((s) => [s.labelValues, s.value]);
}

describe('labels(): the seed README example', () => {
  // counter1 = ppc.Counter(name="c1", labelnames=["VictoriaMetrics_AccountID", "host", "event_type"],
  //                        default_labelvalues={"VictoriaMetrics_AccountID": 0, "host": socket.gethostname()})
  const registry = new Registry();
  const counter1 = new Counter({
    name: 'c1',
    labelNames: ['VictoriaMetrics_AccountID', 'host', 'event_type'] as const,
    defaultLabels: { VictoriaMetrics_AccountID: 0, host: 'box1' },
    registry,
  });

  it('regular usage: defaults fill the labels not given', () => {
    counter1.labels({ event_type: 'login' }).inc();
    assert.deepEqual(rows(counter1), [[['0', 'box1', 'login'], 1]]);
  });

  it('overriding defaults, object form', () => {
    counter1.labels({ host: 'non-default', event_type: 'login' }).inc();
    assert.deepEqual(rows(counter1), [
      [['0', 'box1', 'login'], 1],
      [['0', 'non-default', 'login'], 1],
    ]);
  });

  it('positional form: defaults fill the MISSING LEADING labels, same series as above', () => {
    const child = counter1.labels('non-default', 'login');
    assert.deepEqual(child.labelValues, ['0', 'non-default', 'login']);
    child.inc();
    assert.deepEqual(rows(counter1), [
      [['0', 'box1', 'login'], 1],
      [['0', 'non-default', 'login'], 2],
    ]);
  });
});

describe('labels(): the seed test_defaults pairs', () => {
  it('each pair of equivalent calls hits the same series; numbers are stringified', () => {
    const c = new Counter({
      name: 'c1',
      namespace: 'test_offline',
      subsystem: 'defaults',
      labelNames: ['host', 'l1', 'l2'],
      defaultLabels: { host: 'localhost', l1: 0 },
      registry: null,
    });
    c.labels({ l2: 2 }).inc();
    c.labels(2).inc();
    c.labels({ l1: 1, l2: 2 }).inc();
    c.labels(1, 2).inc();
    c.labels({ host: 'H', l1: 1, l2: 2 }).inc();
    c.labels('H', 1, 2).inc();
    assert.equal(c.name, 'test_offline_defaults_c1');
    assert.deepEqual(rows(c), [
      [['localhost', '0', '2'], 2],
      [['localhost', '1', '2'], 2],
      [['H', '1', '2'], 2],
    ]);
  });
});

describe('labels(): rules and errors', () => {
  const make = () =>
    new Counter({
      name: 'requests',
      labelNames: ['host', 'service'] as const,
      defaultLabels: { host: 'box1' },
      registry: null,
    });

  it('returns the same child object for the same values, whatever the form', () => {
    const c = make();
    const a = c.labels({ service: 'billing' });
    assert.equal(c.labels({ host: 'box1', service: 'billing' }), a);
    assert.equal(c.labels({ service: 'billing', host: 'box1' }), a);
    assert.equal(c.labels('billing'), a);
    assert.equal(c.labels('box1', 'billing'), a);
    assert.notEqual(c.labels('other', 'billing'), a);
  });

  it('keeps label values frozen and identical for the life of the series', () => {
    const c = make();
    const child = c.labels({ service: 'api' });
    const first = c.collect().series[0]!.labelValues;
    child.inc();
    c.labels('box1', 'api').inc();
    const second = c.collect().series[0]!.labelValues;
    assert.equal(first, second);
    assert.equal(first, child.labelValues);
    assert.ok(Object.isFrozen(first));
  });

  it('a number and its string form are the same label value', () => {
    const c = new Counter({ name: 'codes', labelNames: ['code'], registry: null });
    c.labels({ code: 200 }).inc();
    c.labels({ code: '200' }).inc();
    c.labels(200).inc(3);
    assert.deepEqual(rows(c), [[['200'], 5]]);
  });

  it('throws for a missing label without default, naming metric and label', () => {
    const c = make();
    throwsInvalid(
      () => c.labels({ host: 'x' } as never),
      'metric "requests"',
      'missing value for label "service", which has no default',
    );
    const noDefaults = new Counter({ name: 'plain', labelNames: ['a', 'b'], registry: null });
    throwsInvalid(
      () => noDefaults.labels('only-b'),
      'metric "plain"',
      'missing value for label "a", which has no default',
      '1 label values given for 2 label names',
    );
    throwsInvalid(() => noDefaults.labels(), 'metric "plain"', 'missing value for label "a"');
  });

  it('throws for an unknown label name, even when the series already exists', () => {
    const c = make();
    c.labels({ service: 'billing' }).inc();
    throwsInvalid(
      () => c.labels({ service: 'billing', hots: 'other' } as never),
      'metric "requests"',
      'unknown label name "hots"',
      'label names: host, service',
    );
    throwsInvalid(() => c.labels({ servce: 'billing' } as never), 'unknown label name "servce"');
  });

  it('throws for too many positional values, naming the first extra one', () => {
    const c = make();
    throwsInvalid(
      () => c.labels('a', 'b', 'c'),
      'metric "requests"',
      '3 label values given for 2 label names (host, service)',
      'first extra value "c"',
    );
  });

  it('throws for a label value that is neither string nor number', () => {
    const c = make();
    throwsInvalid(
      () => c.labels({ service: true } as never),
      'metric "requests"',
      'label "service" must be a string or a number, got true',
    );
    throwsInvalid(() => c.labels('box', null as never), 'label "service" must be a string or a number, got null');
    throwsInvalid(
      () => c.labels({ service: { nested: 1 } } as never),
      'label "service" must be a string or a number, got object {"nested":1}',
    );
  });

  it('treats an explicitly undefined value as missing (the default applies)', () => {
    const c = make();
    c.labels({ host: undefined, service: 's' } as never).inc();
    assert.deepEqual(rows(c), [[['box1', 's'], 1]]);
  });

  it('does not read label names such as constructor from Object.prototype', () => {
    const c = new Counter({
      name: 'proto',
      labelNames: ['constructor', 'toString'],
      defaultLabels: { constructor: 'd' },
      registry: null,
    });
    c.labels({ toString: 'x' } as never).inc();
    assert.deepEqual(rows(c), [[['d', 'x'], 1]]);
    throwsInvalid(() => c.labels({ constructor: 'y' } as never), 'missing value for label "toString"');
  });

  it('keeps values that contain separators apart', () => {
    const c = new Counter({ name: 'sep', labelNames: ['a', 'b'], registry: null });
    c.labels('a\u0000', 'b').inc();
    c.labels('a', '\u0000b').inc(2);
    c.labels('', 'ab').inc(3);
    c.labels('ab', '').inc(4);
    assert.deepEqual(rows(c), [
      [['a\u0000', 'b'], 1],
      [['a', '\u0000b'], 2],
      [['', 'ab'], 3],
      [['ab', ''], 4],
    ]);
  });

  it('creates a labelled series at first use only', () => {
    const c = make();
    assert.deepEqual(rows(c), []);
    c.labels({ service: 'a' });
    assert.deepEqual(rows(c), [[['box1', 'a'], 0]]);
  });

  it('refuses direct updates on a labelled metric, even when every label has a default', () => {
    const g = new Gauge({ name: 'g', labelNames: ['host'], defaultLabels: { host: 'h' }, registry: null });
    throwsInvalid(
      () => (g as unknown as Gauge).set(1),
      'metric "g" has label names (host): call labels(...).set() instead of set() on the metric',
    );
    const c = make();
    throwsInvalid(() => (c as unknown as Counter).inc(), 'call labels(...).inc() instead of inc() on the metric');
  });

  it('refuses labels() and remove() on a metric without label names', () => {
    const c = new Counter({ name: 'bare', registry: null });
    throwsInvalid(() => (c.labels as (...a: unknown[]) => unknown)({}), 'metric "bare" has no label names');
    throwsInvalid(() => (c.labels as (...a: unknown[]) => unknown)(), 'metric "bare" has no label names');
    throwsInvalid(() => (c.remove as (...a: unknown[]) => unknown)('x'), 'metric "bare" has no label names');
  });
});

describe('remove() and reset()', () => {
  const make = () =>
    new Counter({ name: 'jobs', labelNames: ['queue', 'state'], defaultLabels: { queue: 'q0' }, registry: null });

  it('remove() takes the labels() forms and reports whether the series existed', () => {
    const c = make();
    c.labels({ state: 'ok' }).inc();
    c.labels({ state: 'failed' }).inc(2);
    c.labels('q1', 'ok').inc(3);
    assert.equal(c.remove({ state: 'ok' }), true);
    assert.equal(c.remove('ok'), false);
    assert.equal(c.remove('q1', 'ok'), true);
    assert.equal(c.remove({ queue: 'nope', state: 'ok' }), false);
    assert.deepEqual(rows(c), [[['q0', 'failed'], 2]]);
  });

  it('a removed series starts again from zero, after the existing ones', () => {
    const c = make();
    const held = c.labels({ state: 'ok' });
    held.inc(5);
    c.labels({ state: 'failed' }).inc();
    c.remove({ state: 'ok' });
    c.labels({ state: 'ok' }).inc();
    assert.notEqual(c.labels({ state: 'ok' }), held);
    assert.deepEqual(rows(c), [
      [['q0', 'failed'], 1],
      [['q0', 'ok'], 1],
    ]);
  });

  it('remove() validates its arguments like labels()', () => {
    const c = make();
    throwsInvalid(() => c.remove({ stat: 'x' } as never), 'metric "jobs"', 'unknown label name "stat"');
  });

  it('reset() drops every labelled series', () => {
    const c = make();
    c.labels({ state: 'ok' }).inc();
    c.reset();
    assert.deepEqual(rows(c), []);
  });

  it('reset() puts a metric without labels back to zero', () => {
    const c = new Counter({ name: 'bare', registry: null });
    c.inc(4);
    c.reset();
    assert.deepEqual(rows(c), [[[], 0]]);
    c.inc();
    assert.deepEqual(rows(c), [[[], 1]]);
  });
});

describe('SeriesTable under hash collisions', () => {
  class Row {
    constructor(readonly labelValues: LabelValues) {}
  }
  // Every key hashes to 7: lookups must fall back on comparing label values, and removal must keep
  // probe chains and creation order intact.
  class CollidingTable extends SeriesTable<Row> {
    protected override hashOf(): number {
      return 7;
    }
  }
  const table = () => new CollidingTable('t', ['a'], [undefined], (lv) => new Row(lv));
  const order = (t: SeriesTable<Row>) => [...t.values()].map((r) => r.labelValues[0]);

  it('finds each series by its values', () => {
    const t = table();
    const x = t.get(['x']);
    const y = t.get(['y']);
    const z = t.get(['z']);
    assert.equal(t.get(['x']), x);
    assert.equal(t.get(['y']), y);
    assert.equal(t.get(['z']), z);
    assert.equal(t.find(['y']), y);
    assert.equal(t.find(['w']), undefined);
    assert.equal(t.size, 3);
    assert.deepEqual(order(t), ['x', 'y', 'z']);
  });

  it('removes from the middle of a chain without losing later series or their order', () => {
    const t = table();
    t.get(['x']);
    t.get(['y']);
    const z = t.get(['z']);
    assert.equal(t.remove(['y'])?.labelValues[0], 'y');
    assert.equal(t.size, 2);
    assert.equal(t.find(['z']), z);
    assert.deepEqual(order(t), ['x', 'z']);
    t.get(['y']);
    assert.deepEqual(order(t), ['x', 'z', 'y']);
    assert.equal(t.remove(['y'])?.labelValues[0], 'y');
    assert.equal(t.remove(['z']), z);
    assert.equal(t.remove(['x'])?.labelValues[0], 'x');
    assert.equal(t.size, 0);
    assert.deepEqual(order(t), []);
    assert.equal(t.remove(['x']), undefined);
  });

  it('clear() empties the table', () => {
    const t = table();
    t.get(['x']);
    t.get(['y']);
    t.remove(['x']);
    t.clear();
    assert.equal(t.size, 0);
    assert.deepEqual(order(t), []);
    assert.equal(t.find(['y']), undefined);
  });
});

describe('SeriesTable with the fallback label reader (no code generation)', () => {
  class Row {
    constructor(readonly labelValues: LabelValues) {}
  }
  const table = () =>
    new SeriesTable<Row>('loop', ['host', 'code'], ['box1', undefined], (lv) => new Row(lv), makeLoopLabelReader);

  it('applies the same rules to the object form', () => {
    const t = table();
    const a = t.get([{ code: 200 }]);
    assert.deepEqual(a.labelValues, ['box1', '200']);
    assert.equal(t.get([{ host: 'box1', code: '200' }]), a);
    assert.deepEqual(t.get([{ host: 'h', code: 'x' }]).labelValues, ['h', 'x']);
    throwsInvalid(() => t.get([{ code: 1, extra: 2 }]), 'metric "loop"', 'unknown label name "extra"');
    throwsInvalid(() => t.get([{ host: 'h' }]), 'missing value for label "code", which has no default');
    throwsInvalid(() => t.get([{ code: false }]), 'label "code" must be a string or a number, got false');
  });
});
